/**
 * Documentation generated from the picocli command definitions: bash and zsh completion scripts and
 * man pages, so they never drift from the commands. The packaging runs {@link dev.rota.cli.docs.CommandDocs#main}.
 */
package dev.rota.cli.docs;
