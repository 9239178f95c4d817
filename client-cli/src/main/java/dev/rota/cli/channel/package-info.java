/**
 * How the CLI reaches {@code rotad}: the daemon's {@link dev.rota.cli.channel.DaemonAddress}, the
 * {@link dev.rota.cli.channel.ChannelFactory} that opens a channel to it (Netty in production,
 * in-process in tests), and the policy every call carries: the caller's identity header
 * ({@link dev.rota.cli.channel.UserHeaderInterceptor}) and a deadline
 * ({@link dev.rota.cli.channel.DeadlineInterceptor}).
 */
package dev.rota.cli.channel;
