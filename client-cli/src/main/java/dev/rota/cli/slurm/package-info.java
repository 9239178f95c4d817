/**
 * Slurm's words and formats, so that Slurm users read Rota output without a dictionary: the
 * {@code --time} grammar and the elapsed-time format ({@link dev.rota.cli.slurm.SlurmTime}), and
 * the state names and {@code squeue} codes ({@link dev.rota.cli.slurm.SlurmStates}). Pure
 * functions, no I/O.
 */
package dev.rota.cli.slurm;
