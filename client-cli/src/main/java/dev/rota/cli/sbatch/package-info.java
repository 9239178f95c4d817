/**
 * Reading {@code sbatch}'s input as sbatch does: the {@code #SBATCH} block of a batch script
 * ({@link dev.rota.cli.sbatch.DirectiveBlock}), options in getopt_long's grammar from the command line
 * and from directives alike ({@link dev.rota.cli.sbatch.OptionReader} over the table
 * {@link dev.rota.cli.sbatch.SbatchOption}), and the value grammars (nodes, GPUs, output patterns,
 * {@code --export}); {@link dev.rota.cli.sbatch.BatchRequest#assemble} puts it all together, command
 * line over directives, into one request with its warnings and errors.
 *
 * <p>Pure: no I/O, no clock, no daemon. Every problem is a {@link dev.rota.cli.sbatch.Diagnostic}
 * value that names where it was found ({@code train.sh:7:} or the command line), never an exception.
 * See docs/sbatch.md for what each option does in Rota.
 */
package dev.rota.cli.sbatch;
