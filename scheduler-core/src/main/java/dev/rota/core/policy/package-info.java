/**
 * Scheduling policy, pure: the organisation (account tree, users, QoS), decayed usage, the
 * hierarchical fair-share factor and the multifactor priority. Values only; no clocks, no I/O. The
 * engine evaluates these at the {@code now} of the event it handles, so the same events give the
 * same priorities in the daemon, the tests and the simulator. See docs/adr/0004-fair-share.md.
 */
package dev.rota.core.policy;
