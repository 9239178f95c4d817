/**
 * Slurm's words and formats, so that Slurm users read Rota output without a dictionary: the
 * {@code --time} grammar and the elapsed-time format ({@code dev.rota.core.time.SlurmTime}, in scheduler-core), the
 * {@code --mem} grammar ({@link dev.rota.cli.slurm.SlurmMemory}), sacct's time forms
 * ({@link dev.rota.cli.slurm.SacctTime}), and the state names and {@code squeue} codes
 * ({@link dev.rota.cli.slurm.SlurmStates}). Pure functions, no I/O.
 */
package dev.rota.cli.slurm;
