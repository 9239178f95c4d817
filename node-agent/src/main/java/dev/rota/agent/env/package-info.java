/**
 * The environment of a job's batch script and of each srun task: the Slurm variables users' scripts
 * read, the PyTorch rendezvous variables, and the internal {@code ROTA_*} variables srun needs.
 */
package dev.rota.agent.env;
