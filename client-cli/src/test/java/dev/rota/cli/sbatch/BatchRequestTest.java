package dev.rota.cli.sbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole scripts, read as sbatch reads them: every rule and edge case of
 * shared/reference/sbatch-scripts.md (sections 2 and 6), each as a small script of its own.
 */
class BatchRequestTest {

    /** What one submission read to: the request's fields (when there was no error) and every message. */
    record Read(Map<String, String> fields, List<String> messages) {}

    static final java.time.Instant NOW = java.time.Instant.parse("2026-11-23T12:00:00Z");

    static Read read(String script, String... commandLine) {
        OptionReader.Reading cli = OptionReader.commandLine(List.of(commandLine));
        assertThat(cli.diagnostics()).as("command line").isEmpty();
        // --begin is read against a fixed moment, in UTC, so the expected times are exact.
        BatchRequest.Assembly assembly = BatchRequest.read("job.sh", script, cli.settings(), NOW, java.time.ZoneOffset.UTC);
        List<String> messages = assembly.diagnostics().stream().map(Diagnostic::render).toList();
        assertThat(assembly.request().isPresent()).as("a request exactly when no error: %s", messages)
                .isEqualTo(!assembly.failed());
        return new Read(assembly.request().map(BatchRequestTest::fields).orElse(Map.of()), messages);
    }

    /** Every field, as text, under a short key. */
    static Map<String, String> fields(BatchRequest r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", r.name().orElse("-"));
        f.put("account", r.account().orElse("-"));
        f.put("partition", r.partition().orElse("-"));
        f.put("nodes", Integer.toString(r.layout().nodes()));
        f.put("tasks", Integer.toString(r.layout().tasksPerNode()));
        f.put("gpus", Integer.toString(r.layout().gpusPerNode()));
        f.put("gpuType", r.layout().gpuType().orElse("-"));
        f.put("time", Long.toString(r.timeLimit().toSeconds()));
        f.put("output", r.output().orElse("-"));
        f.put("error", r.error().orElse("-"));
        f.put("chdir", r.chdir().orElse("-"));
        f.put("requeue", Boolean.toString(r.requeue()));
        f.put("slurm", r.slurmVariables().toString());
        f.put("notEnforced", String.join(" ", r.notEnforced().stream().map(Setting::display).toList()));
        f.put("hold", Boolean.toString(r.control().hold()));
        f.put("begin", r.control().begin().map(Object::toString).orElse("-"));
        f.put("dependency", r.control().dependency().isNone() ? "-" : r.control().dependency().toString());
        f.put("array", r.control().array().map(a -> a + (r.control().throttle() > 0 ? "%" + r.control().throttle() : ""))
                .orElse("-"));
        f.put("reply", (r.reply().parsable() ? "parsable " : "") + (r.reply().testOnly() ? "test-only " : "")
                + (r.reply().quiet() ? "quiet " : "") + (r.reply().json() ? "json" : ""));
        return f;
    }

    private static final String SH = "#!/bin/bash\n";

    private static Arguments ok(String name, String script, Map<String, String> expected) {
        return Arguments.of(name, script, new String[0], expected);
    }

    private static Arguments ok(String name, String script, String[] commandLine, Map<String, String> expected) {
        return Arguments.of(name, script, commandLine, expected);
    }

    static Stream<Arguments> acceptedScripts() {
        return Stream.of(
                // Section 2: how sbatch reads directives.
                ok("defaults without directives", SH + "srun hostname\n",
                        Map.of("nodes", "1", "tasks", "1", "gpus", "0", "time", "3600", "name", "-", "requeue", "true")),
                ok("#SBATCH in column 1 is a directive", SH + "#SBATCH -N 2\nsrun hostname\n",
                        Map.of("nodes", "2")),
                ok("the prefix is case-sensitive", SH + "#sbatch -N 2\n#Sbatch -N 3\nhostname\n",
                        Map.of("nodes", "1")),
                ok("##SBATCH, # SBATCH and indented #SBATCH are comments",
                        SH + "##SBATCH -N 2\n# SBATCH -N 3\n  #SBATCH -N 4\n\t#SBATCH -N 5\n#SBATCH -J kept\nhostname\n",
                        Map.of("nodes", "1", "name", "kept")),
                ok("a disabled ###SBATCH line", SH + "###SBATCH --array=1-4\n#SBATCH -N 2\n",
                        Map.of("nodes", "2")),
                ok("blank and comment lines inside the block",
                        SH + "#SBATCH -N 2\n\n# resources\n   \n#SBATCH --gpus-per-node=8\n\n#SBATCH -t 10\nsrun x\n",
                        Map.of("nodes", "2", "gpus", "8", "time", "600")),
                ok("several options on one line (NeMo)",
                        SH + "#SBATCH -p batch -A coreai -t 4:00:00 --nodes=16 --exclusive --mem=0 --overcommit "
                                + "--gpus-per-node 8 --ntasks-per-node=8\n",
                        Map.of("partition", "batch", "account", "coreai", "time", "14400", "nodes", "16", "gpus", "8",
                                "tasks", "8", "notEnforced", "--exclusive --mem=0 --overcommit")),
                ok("= and a space, short and long", SH + "#SBATCH --time 100:00:00\n#SBATCH --nodes 30\n"
                        + "#SBATCH -p hopper-prod\n#SBATCH --output %x_%j.out\n#SBATCH -J nm\n",
                        Map.of("time", "360000", "nodes", "30", "partition", "hopper-prod", "output", "%x_%j.out",
                                "name", "nm")),
                ok("short option with the value attached", SH + "#SBATCH -N2 -t30\n",
                        Map.of("nodes", "2", "time", "1800")),
                ok("a unique prefix of a long option", SH + "#SBATCH --ntasks-per-n=4 --gpus-per-n=4\n",
                        Map.of("tasks", "4", "gpus", "4")),
                ok("the later of two directives wins (mdlm)",
                        SH + "#SBATCH --constraint=\"a5000|a6000\"\n#SBATCH --constraint=a100\n#SBATCH -t 5\n#SBATCH -t 7\n",
                        Map.of("notEnforced", "--constraint=a100", "time", "420")),
                ok("the command line overrides directives", SH + "#SBATCH -N 2\n#SBATCH -J script\n",
                        new String[] {"--nodes=4", "-J", "cli"}, Map.of("nodes", "4", "name", "cli")),
                ok("a command-line GPU request replaces the script's",
                        SH + "#SBATCH --gres=gpu:8\n", new String[] {"--gpus-per-node", "4"}, Map.of("gpus", "4")),
                ok("variables in directives are not expanded", SH + "#SBATCH --output=$HOME/logs/%j.out\n"
                        + "#SBATCH -D $SCRATCH\n", Map.of("output", "$HOME/logs/%j.out", "chdir", "$SCRATCH")),
                ok("legacy #SLURM is read", SH + "#SLURM -N 3\n", Map.of("nodes", "3")),
                ok("no final newline (19 files)", SH + "#SBATCH -N 2\n#SBATCH -J last", Map.of("nodes", "2",
                        "name", "last")),
                ok("only directives, no command", SH + "#SBATCH -N 2\n", Map.of("nodes", "2")),

                // Section 6: edge cases, most frequent first.
                ok("1. %j and %x patterns", SH + "#SBATCH -o logs/%x-%j.out -e logs/%x_%j.err\n",
                        Map.of("output", "logs/%x-%j.out", "error", "logs/%x_%j.err")),
                ok("1. %A and %a in a job that is not an array", SH + "#SBATCH --output=logs/visu/%A/%a.out\n",
                        Map.of("output", "logs/visu/%A/%a.out")),
                ok("1. per-task directories and padding in an array", SH + "#SBATCH --array=0-3\n#SBATCH -o out/%A/%4a-%N.log\n",
                        Map.of("output", "out/%A/%4a-%N.log", "array", "0-3")),
                ok("12. arrays with a step and a throttle", SH + "#SBATCH --array=500-17000:1000%26\n",
                        Map.of("array", "500-16500:1000%26")),
                ok("12. a throttle of 1 chains the tasks", SH + "#SBATCH -a 1-10%1\n", Map.of("array", "1-10%1")),
                ok("12. single index and lists", SH + "#SBATCH --array=0-0\n#SBATCH --array 1,3,5-7\n",
                        Map.of("array", "1,3,5-7")),
                ok("a singleton dependency", SH + "#SBATCH --dependency=singleton\n", Map.of("dependency", "singleton")),
                ok("dependencies combined with , and ?", SH + "#SBATCH -d afterok:12:13_2,afterany:14\n",
                        Map.of("dependency", "afterok:12:13_2,afterany:14")),
                ok("any-of dependencies", SH + "#SBATCH -d afternotok:5?after:6\n",
                        Map.of("dependency", "afternotok:5?after:6")),
                ok("a held job", SH + "#SBATCH -H\n", Map.of("hold", "true")),
                ok("--begin relative to now", SH + "#SBATCH --begin=now+1hour\n",
                        Map.of("begin", "2026-11-23T13:00:00Z")),
                ok("--begin at a clock time already past is tomorrow", SH + "#SBATCH --begin=11:30\n",
                        Map.of("begin", "2026-11-24T11:30:00Z")),
                ok("--begin at a date and time", SH + "#SBATCH --begin 2026-12-01T08:00\n",
                        Map.of("begin", "2026-12-01T08:00:00Z")),
                ok("1. %t and %n in the batch output", SH + "#SBATCH --output=%x-%n-%t.out\n",
                        Map.of("output", "%x-0-0.out")),
                ok("1. %4a zero-pads, %%, %u, %s", SH + "#SBATCH --output=%u-%3n-%s-%%.out\n",
                        Map.of("output", "%u-000-batch-%%.out")),
                ok("1. a backslash disables the patterns", SH + "#SBATCH --output=\"lit\\\\%j.out\"\n",
                        Map.of("output", "lit%%j.out")),
                ok("2. trailing comments, tabs and long aligned ones",
                        SH + "#SBATCH --nodes=2\t\t# two nodes\n#SBATCH --time=10          # ten minutes, enough\n",
                        Map.of("nodes", "2", "time", "600")),
                ok("2. a comment swallows a second #SBATCH (poisson-horovod)",
                        SH + "#SBATCH -N 2 #SBATCH --gres=gpu:4\n", Map.of("nodes", "2", "gpus", "0")),
                ok("3. short options with a space",
                        SH + "#SBATCH -t 30\n#SBATCH -o out.txt\n#SBATCH -A acct\n#SBATCH -p gpu\n#SBATCH -N 2\n"
                                + "#SBATCH -J j\n#SBATCH -e err.txt\n#SBATCH -C a100\n#SBATCH -c 8\n#SBATCH -n 2\n"
                                + "#SBATCH -q normal\n#SBATCH -D /work\n#SBATCH -x node9\n#SBATCH -L lic\n",
                        Map.of("time", "1800", "output", "out.txt", "account", "acct", "partition", "gpu", "nodes", "2",
                                "name", "j", "error", "err.txt", "tasks", "1", "chdir", "/work")),
                ok("5. placeholders that are valid strings",
                        SH + "#SBATCH --account=<account>\n#SBATCH --partition=your_partition\n",
                        Map.of("account", "<account>", "partition", "your_partition")),
                ok("6. hours of 24 and more", SH + "#SBATCH --time=960:00:00\n", Map.of("time", "3456000")),
                ok("7. days-hours:minutes:seconds", SH + "#SBATCH --time=3-00:00:00\n", Map.of("time", "259200")),
                ok("7. bare minutes", SH + "#SBATCH --time=15\n", Map.of("time", "900")),
                ok("7. 0-3 is days-hours: 3 hours", SH + "#SBATCH -t 0-3\n", Map.of("time", "10800")),
                ok("7. --time-min is checked, not enforced",
                        SH + "#SBATCH --time=7-12:00:00\n#SBATCH --time-min=3-00:00:00\n",
                        Map.of("time", "648000", "notEnforced", "--time-min=3-00:00:00")),
                ok("8. typed gres", SH + "#SBATCH --gres=gpu:a100:8\n", Map.of("gpus", "8", "gpuType", "a100")),
                ok("8. typed gres in capitals", SH + "#SBATCH --gres=gpu:A4000:1\n",
                        Map.of("gpus", "1", "gpuType", "A4000")),
                ok("8. typed --gpus-per-node", SH + "#SBATCH --gpus-per-node=40gb:1\n",
                        Map.of("gpus", "1", "gpuType", "40gb")),
                ok("8. all three GPU forms agreeing (aws-mpt-composer)",
                        SH + "#SBATCH -N 2\n#SBATCH --gres=gpu:8\n#SBATCH --gpus-per-node=8\n#SBATCH --gpus=16\n",
                        Map.of("nodes", "2", "gpus", "8")),
                ok("8. --gpus-per-task times tasks per node",
                        SH + "#SBATCH --ntasks=4 --nodes=4 --gpus-per-task=8\n", Map.of("nodes", "4", "tasks", "1",
                                "gpus", "8")),
                ok("8. --gpus over the nodes", SH + "#SBATCH -N 2 -G 8\n", Map.of("gpus", "4")),
                ok("8. --gres=gpu alone is one", SH + "#SBATCH --gres=gpu\n", Map.of("gpus", "1")),
                ok("9. quoted values lose their quotes and keep & | [ ]",
                        SH + "#SBATCH -J \"<JOB_NAME>\"\n#SBATCH --constraint=\"[a5000|a6000|a100|3090]\"\n"
                                + "#SBATCH -x \"della-i14g[1-20]\"\n#SBATCH --output=\"run_%j.out\"\n",
                        Map.of("name", "<JOB_NAME>", "output", "run_%j.out",
                                "notEnforced", "--constraint=[a5000|a6000|a100|3090] --exclude=della-i14g[1-20]")),
                ok("9. a job name with : and .", SH + "#SBATCH --job-name=\"neox:1.3b\"\n",
                        Map.of("name", "neox:1.3b")),
                ok("10. directives after blank lines (torchtitan)",
                        SH + "\n#SBATCH --job-name=torchtitan\n\n#SBATCH --ntasks=4\n#SBATCH --nodes=4\n",
                        Map.of("name", "torchtitan", "nodes", "4", "tasks", "1")),
                ok("13. #!/usr/bin/env bash", "#!/usr/bin/env bash\n#SBATCH -N 2\n", Map.of("nodes", "2")),
                ok("13. #!/bin/bash -l", "#!/bin/bash -l\n#SBATCH -N 2\n", Map.of("nodes", "2")),
                ok("13. #! /bin/bash with a space", "#! /bin/bash\n#SBATCH -N 2\n", Map.of("nodes", "2")),
                ok("13. #!/bin/sh with an en dash", "#!/bin/sh \u2013l\n#SBATCH -N 2\n", Map.of("nodes", "2")),
                ok("15. a bare #SBATCH, then a command ends the block (bare-sbatch-line)",
                        SH + "#SBATCH -J bare\n#SBATCH\n--mem=32G\n#SBATCH --partition=gpu\n#SBATCH --gres=gpu:2\n",
                        Map.of("name", "bare", "partition", "-", "gpus", "0")),
                ok("17. duplicates: the last wins", SH + "#SBATCH --constraint=v100\n#SBATCH --constraint=a100\n",
                        Map.of("notEnforced", "--constraint=a100")),
                ok("20. trailing whitespace", SH + "#SBATCH -N 2   \t\n#SBATCH -J x \n", Map.of("nodes", "2",
                        "name", "x")),
                ok("20. non-ASCII in comments", SH + "# entraînement — 训练\n#SBATCH -N 2 # nœuds\n",
                        Map.of("nodes", "2")),
                ok("20. memory in MB, in gb, whole node", SH + "#SBATCH --mem=32000\n#SBATCH --mem=512gb\n"
                        + "#SBATCH --mem=0\n", Map.of("notEnforced", "--mem=0")),
                ok("20. an account with @", SH + "#SBATCH --account=six@a100\n", Map.of("account", "six@a100")),
                ok("20. the --tasks-per-node alias", SH + "#SBATCH --tasks-per-node=8\n", Map.of("tasks", "8")),
                ok("20. --time-min without --time", SH + "#SBATCH --time-min=60\n",
                        Map.of("time", "3600", "notEnforced", "--time-min=60")),
                ok("20. -n 384 with 8 GPUs per node and no --nodes (aws-jax)",
                        SH + "#SBATCH -n 384\n#SBATCH --gpus-per-node=8\n", Map.of("nodes", "48", "tasks", "8",
                                "gpus", "8")),
                ok("20. --export=ALL", SH + "#SBATCH --export=ALL\n", Map.of("nodes", "1")),

                // Values sbatch reads, and how Rota maps them.
                ok("a node range runs on its minimum", SH + "#SBATCH -N 2-4\n", Map.of("nodes", "2")),
                ok("--ntasks spread over --nodes", SH + "#SBATCH -N 2 -n 16\n", Map.of("nodes", "2", "tasks", "8")),
                ok("--ntasks-per-gpu", SH + "#SBATCH --gpus-per-node=4 --ntasks-per-gpu=2\n",
                        Map.of("tasks", "8", "gpus", "4")),
                ok("UNLIMITED asks for the longest limit", SH + "#SBATCH -t UNLIMITED\n",
                        Map.of("time", Long.toString(365L * 86400))),
                ok("a partition list runs in its first", SH + "#SBATCH -p dcs-gpu,gpu\n",
                        Map.of("partition", "dcs-gpu")),
                ok("--no-requeue, then --requeue wins", SH + "#SBATCH --no-requeue\n", new String[] {"--requeue"},
                        Map.of("requeue", "true")),
                ok("--no-requeue", SH + "#SBATCH --no-requeue\n", Map.of("requeue", "false")),
                ok("sbatch sets SLURM_CPUS_PER_TASK and SLURM_GPUS_PER_NODE",
                        SH + "#SBATCH -c 8 --gres=gpu:4\n",
                        Map.of("slurm", "{SLURM_CPUS_PER_TASK=8, SLURM_GPUS_PER_NODE=4}")),
                ok("reply options in directives", SH + "#SBATCH --parsable --test-only -Q\n",
                        Map.of("reply", "parsable test-only quiet ")),
                ok("mail options are accepted", SH + "#SBATCH --mail-type=END,FAIL --mail-user=a@b.c\n",
                        Map.of("notEnforced", "--mail-type=END,FAIL --mail-user=a@b.c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedScripts")
    void readsTheScriptAsSbatchDoes(String name, String script, String[] commandLine, Map<String, String> expected) {
        Read read = read(script, commandLine);

        assertThat(read.messages()).as("messages").noneMatch(m -> m.contains(": invalid") || m.contains(": unrec"));
        assertThat(read.fields()).as("%s", read.messages()).containsAllEntriesOf(expected);
    }

    static Stream<Arguments> refusedScripts() {
        return Stream.of(
                // What real sbatch refuses too.
                Arguments.of("14. no shebang: a license header first (llama-cookbook)",
                        "# Copyright (c) Meta\n#!/bin/bash\n#SBATCH -N 2\n",
                        List.of("job.sh:1: the script does not start with #! (make its first line an interpreter such as "
                                + "#!/bin/bash; sbatch refuses it too)")),
                Arguments.of("DOS line breaks", SH + "#SBATCH -N 2\r\nsrun x\r\n",
                        List.of("job.sh:2: the script has DOS line breaks (\\r\\n); convert it with dos2unix (sbatch "
                                + "refuses it too, and bash would choke on the \\r)")),
                Arguments.of("a NUL byte", SH + "echo a\0b\n",
                        List.of("job.sh:2: the script contains a NUL byte (is it a binary file? sbatch refuses it too)")),
                Arguments.of("only whitespace", " \n\t\n",
                        List.of("job.sh:1: the script holds only whitespace (sbatch refuses it too)")),
                Arguments.of("5. a word placeholder for a number", SH + "#SBATCH --nodes=your_own_num_nodes\n",
                        List.of("job.sh:2: invalid --nodes value 'your_own_num_nodes' (use N or MIN-MAX, e.g. 2 or 2-4)")),
                Arguments.of("5. a {LIMIT_TIME} template", SH + "#SBATCH --time={LIMIT_TIME}\n",
                        List.of("job.sh:2: invalid --time value '{LIMIT_TIME}' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)")),
                Arguments.of("5. a Jinja placeholder splits into stray words", SH + "#SBATCH --partition { partition }\n",
                        List.of("job.sh:2: invalid directive 'partition': not an option (sbatch refuses it too)")),
                Arguments.of("a word that is not an option", SH + "#SBATCH hello\n",
                        List.of("job.sh:2: invalid directive 'hello': not an option (sbatch refuses it too)")),
                Arguments.of("18. a typo glued to its value (DPTabula)", SH + "#SBATCH --mem-4G\n",
                        List.of("job.sh:2: unrecognized option '--mem-4G' (did you mean --mem=4G?)")),
                Arguments.of("18. --D . (poisson-horovod-malformed)", SH + "#SBATCH --D .\n",
                        List.of("job.sh:2: unrecognized option '--D' (did you mean -D?)")),
                Arguments.of("18. an unmatched quote from a typographic quote", SH + "#SBATCH --gres=\u2019gpu:4'\n",
                        List.of("job.sh:2: unmatched ' in #SBATCH --gres=\u2019gpu:4'")),
                Arguments.of("18. a module command glued onto --time", SH + "#SBATCH --time=24:00:00module load cuda\n",
                        List.of("job.sh:2: invalid directive 'load': not an option (sbatch refuses it too)",
                                "job.sh:2: invalid --time value '24:00:00module' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)")),
                Arguments.of("the time example of the issue", SH + "#SBATCH -N 1\n#SBATCH --time=\"1 day\"\n",
                        List.of("job.sh:3: invalid --time value '1 day' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)")),
                Arguments.of("a value missing at the end of the block", SH + "#SBATCH -J\n",
                        List.of("job.sh:2: option requires an argument -- 'J' (--job-name)")),
                Arguments.of("an ambiguous prefix", SH + "#SBATCH --cpus=4\n",
                        List.of("job.sh:2: option '--cpus' is ambiguous; possibilities: '--cpus-per-gpu' '--cpus-per-task'")),
                Arguments.of("an invalid memory size", SH + "#SBATCH --mem=64 GB\n",
                        List.of("job.sh:2: invalid directive 'GB': not an option (sbatch refuses it too)")),
                Arguments.of("an invalid memory unit", SH + "#SBATCH --mem=64X\n",
                        List.of("job.sh:2: invalid --mem value '64X' (use an integer with an optional unit K, M, G or T, "
                                + "e.g. 64G, 512M or 32000; 0 for all of a node's memory)")),
                Arguments.of("an invalid value of an option not enforced", SH + "#SBATCH --cpus-per-task=0\n",
                        List.of("job.sh:2: invalid --cpus-per-task value '0' (use a whole number from 1)")),
                Arguments.of("an invalid value even when overridden later", SH + "#SBATCH -N x\n#SBATCH -N 2\n",
                        List.of("job.sh:2: invalid --nodes value 'x' (use N or MIN-MAX, e.g. 2 or 2-4)")),

                // What Rota refuses: sbatch would run it, Rota cannot yet.
                Arguments.of("an array with a bad range", SH + "#SBATCH --array=5-1\n",
                        List.of("job.sh:2: invalid --array value '5-1': '5-1' ends before it starts")),
                Arguments.of("an array with a bad throttle", SH + "#SBATCH --array=1-4%x\n",
                        List.of("job.sh:2: invalid --array value '1-4%x': the limit after % must be a positive number")),
                Arguments.of("a dependency with an unknown type", SH + "#SBATCH --dependency=before:3\n",
                        List.of("job.sh:2: invalid --dependency value 'before:3': 'before' is not a dependency type "
                                + "(use after, afterany, afterok, afternotok or singleton)")),
                Arguments.of("a dependency mixing , and ?", SH + "#SBATCH -d afterok:1,afterok:2?afterok:3\n",
                        List.of("job.sh:2: invalid --dependency value 'afterok:1,afterok:2?afterok:3': ',' (all of) "
                                + "and '?' (any of) cannot be mixed")),
                Arguments.of("a begin time sbatch cannot read", SH + "#SBATCH --begin=soonish\n",
                        List.of("job.sh:2: invalid --begin value 'soonish' (use now+N[minutes|hours|days], "
                                + "HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], midnight, noon, teatime or tomorrow)")),
                Arguments.of("a container image (pyxis)", SH + "#SBATCH --container-image=nvcr.io/nvidia/pytorch:24.01\n",
                        List.of("job.sh:2: --container-image=nvcr.io/nvidia/pytorch:24.01: containers are not supported; "
                                + "run enroot or apptainer inside the script")),
                Arguments.of("a heterogeneous job", SH + "#SBATCH -N 1\n#SBATCH hetjob\n#SBATCH -N 2\n",
                        List.of("job.sh:3: heterogeneous jobs (#SBATCH hetjob) are not supported by Rota")),
                Arguments.of("GPUs other than gpu", SH + "#SBATCH --gres=nvme:1\n",
                        List.of("job.sh:2: invalid --gres value 'nvme:1': Rota schedules only GPUs, not 'nvme' "
                                + "(use gpu[:TYPE][:N])")),
                Arguments.of("GPU requests that disagree", SH + "#SBATCH --gres=gpu:8\n#SBATCH --gpus-per-task=1\n",
                        List.of("job.sh:3: GPU requests disagree: --gres=gpu:8 is 8 per node, --gpus-per-task=1 is 1 per "
                                + "node; give one GPU request")),
                Arguments.of("GPU types that disagree", SH + "#SBATCH --gres=gpu:a100:4\n#SBATCH --gpus-per-node=h100:4\n",
                        List.of("job.sh:3: GPU types disagree: --gres=gpu:a100:4 asks for a100, --gpus-per-node=h100:4 "
                                + "for h100")),
                Arguments.of("tasks that do not divide over the nodes", SH + "#SBATCH -N 2 -n 5\n",
                        List.of("job.sh:2: Rota starts the same number of tasks on every node: --ntasks=5 does not divide "
                                + "evenly over 2 nodes (--nodes=2)")),
                Arguments.of("GPUs that do not divide over the nodes", SH + "#SBATCH -N 4 --gpus=6\n",
                        List.of("job.sh:2: Rota gives every node of a job the same GPUs: --gpus=6 does not divide evenly "
                                + "over 4 nodes; use --gpus-per-node")),
                Arguments.of("--json in a directive", SH + "#SBATCH --json\n",
                        List.of("job.sh:2: --json is a rota submit option, not a directive; give it on the command line")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedScripts")
    void refusesWithTheLineAndTheToken(String name, String script, List<String> errors) {
        Read read = read(script);

        assertThat(read.fields()).as("nothing to submit").isEmpty();
        assertThat(read.messages().stream().filter(m -> !m.contains(": warning: ") && !m.contains(": note: ")))
                .containsExactlyElementsOf(errors);
    }

    @Test
    void everyErrorOfAScriptIsReportedNotJustTheFirst() {
        Read read = read(SH + "#SBATCH -t soon\n#SBATCH --array=3-1\n#SBATCH --mem=lots\n");

        assertThat(read.messages()).containsExactly(
                "job.sh:2: invalid --time value 'soon' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)",
                "job.sh:3: invalid --array value '3-1': '3-1' ends before it starts",
                "job.sh:4: invalid --mem value 'lots' (use an integer with an optional unit K, M, G or T, e.g. 64G, "
                        + "512M or 32000; 0 for all of a node's memory)");
    }

    @Test
    void eachOptionNotEnforcedIsWarnedAboutOnceWhereverItIsGiven() {
        Read read = read(SH + "#SBATCH --mem=0\n#SBATCH --exclusive --mem=64G\n#SBATCH --mail-type=ALL\n",
                "--mem=1G");

        assertThat(read.messages()).containsExactly(
                "job.sh:2: warning: --mem is accepted but not enforced yet: no memory limit is applied, and nodes are "
                        + "not chosen by memory",
                "job.sh:3: warning: --exclusive is accepted but not enforced yet: other jobs may share the nodes' CPUs "
                        + "and memory (GPUs are never shared)",
                "job.sh:4: warning: --mail-type is accepted, but mail is not sent");
        assertThat(read.fields().get("notEnforced")).isEqualTo("--mem=1G --exclusive --mail-type=ALL");
    }

    @Test
    void notesSayHowRotaReadSomethingUnexpected() {
        Read read = read(SH + "#SBATCH -N 2-4\n#SBATCH -n 64 --gres=gpu:8\nsrun x\n#SBATCH -p late\n#SBATCH -J late\n");

        assertThat(read.fields()).containsEntry("nodes", "2").containsEntry("tasks", "32");
        assertThat(read.messages()).containsExactly(
                "job.sh:2: note: --nodes=2-4: Rota allocates a fixed number of nodes; the job gets 2",
                "job.sh:5: note: #SBATCH after the first command (line 4) is ignored, as sbatch ignores it (2 such lines)");
    }

    @Test
    void aTypedGpuIsRecordedWithAWarningThatTheTypeIsNotMatchedYet() {
        Read read = read(SH + "#SBATCH --gres=gpu:a100:8\n");

        assertThat(read.messages()).containsExactly("job.sh:2: warning: --gres=gpu:a100:8: GPU types are not matched "
                + "against node GPU models yet; any GPU will do");
    }

    @Test
    void unlimitedTimeIsWarnedAbout() {
        Read read = read(SH + "#SBATCH --time=INFINITE\n");

        assertThat(read.messages()).containsExactly("job.sh:2: warning: --time=INFINITE: Rota has no jobs without a time "
                + "limit yet; the job gets the longest it allows, 365-00:00:00");
    }

    @Test
    void legacySlurmPrefixIsWarnedAboutOnce() {
        Read read = read(SH + "#SLURM -N 2\n#SLURM -J x\n");

        assertThat(read.messages()).containsExactly("job.sh:2: warning: #SLURM is deprecated; read as #SBATCH, as sbatch does");
    }
}
