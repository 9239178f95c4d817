/**
 * {@code rota}, the command-line client of a Rota cluster: {@link dev.rota.cli.RotaCli} and its
 * commands ({@code submit}, {@code queue}, {@code show}, {@code cancel}, {@code nodes},
 * {@code drain}, {@code resume}, {@code admin backup}), and the {@link dev.rota.cli.DaemonClient}
 * that turns their calls into gRPC and gRPC failures into messages. Exit codes: 0 success, 1 the
 * operation failed, 2 usage.
 */
package dev.rota.cli;
