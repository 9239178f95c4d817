package dev.rota.cli.sbatch;

/**
 * One argument as getopt sees it: a command-line argument, or a word of a directive with its quotes
 * and escapes already removed.
 *
 * @param text   the word
 * @param origin where it was written
 */
public record Word(String text, Origin origin) {}
