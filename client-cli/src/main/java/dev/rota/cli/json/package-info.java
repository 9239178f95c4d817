/**
 * A small streaming JSON writer for the CLI's {@code --json} output. No JSON library: the CLI only
 * writes, and the schema lives in {@code docs/cli-json.md}.
 */
package dev.rota.cli.json;
