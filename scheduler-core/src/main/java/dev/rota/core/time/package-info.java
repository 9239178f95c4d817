/** Slurm's time grammar, shared by the CLI (sbatch options, tables) and the daemon's policy file. */
package dev.rota.core.time;
