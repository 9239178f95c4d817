/**
 * The agent's one connection to rotad: register, heartbeat, carry out launch and kill commands, and
 * report ended batch scripts; reconnect with backoff when the stream breaks.
 */
package dev.rota.agent.link;
