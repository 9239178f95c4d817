/**
 * The scheduling core: a pure, deterministic state machine. No I/O, no threads, no clock, no
 * logging. Time enters only as the {@code at} of each event; randomness never enters. The daemon,
 * the tests and the trace simulator all drive the same {@link dev.rota.core.engine.SchedulerEngine}.
 */
package dev.rota.core;
