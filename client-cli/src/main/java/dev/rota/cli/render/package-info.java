/**
 * API messages turned into what users read: {@code squeue}-style tables, {@code scontrol}-style
 * {@code Key=Value} details, and the JSON documents of {@code --json} (schema in
 * {@code docs/cli-json.md}). Pure functions of their inputs; the current time and the time zone are
 * parameters.
 */
package dev.rota.cli.render;
