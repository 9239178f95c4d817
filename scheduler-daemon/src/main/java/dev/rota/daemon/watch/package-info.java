/**
 * Live job streams ({@code rota watch}): the engine loop's published changes fanned out to gRPC
 * server streams through bounded per-stream buffers, so a slow reader is dropped rather than ever
 * slowing the engine.
 */
package dev.rota.daemon.watch;
