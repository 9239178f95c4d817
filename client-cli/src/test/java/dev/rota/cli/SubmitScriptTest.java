package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rota submit} with real #SBATCH scripts: directives, the command line over them, errors, --test-only. */
class SubmitScriptTest {
    private static final String TRAIN = """
            #!/bin/bash
            #SBATCH -N 2
            #SBATCH --gres=gpu:4                 # four per node
            #SBATCH -t 0:10:00
            #SBATCH -J llm -o logs-%x-%j.out
            #SBATCH --ntasks-per-node=1
            #SBATCH --cpus-per-task=8
            #SBATCH --mail-type=FAIL

            head=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
            srun bash -c 'echo rank=$SLURM_PROCID head='$head
            """;

    private final FakeRotad rotad = new FakeRotad();
    @TempDir
    Path home;
    private Caller alice;

    @BeforeEach
    void aliceInHerHome() {
        alice = new Caller("alice", Map.of("PATH", "/usr/bin", "HOME", "/home/alice", "SLURM_CONF", "/etc/slurm.conf",
                "WANDB_API_KEY", "secret"), home, new ByteArrayInputStream(new byte[0]));
    }

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    private Path script(String name, String text) throws IOException {
        Path file = home.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aRealScriptIsSubmittedWithEveryDirectiveAppliedAndTheUnenforcedOnesWarnedAbout() throws Exception {
        script("train.sh", TRAIN);

        var result = rotad.rota(alice, "submit", "train.sh", "--lr", "3e-4");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Submitted batch job 1\n");
        assertThat(result.err()).isEqualTo("""
                train.sh:7: warning: --cpus-per-task is accepted but not enforced yet: tasks are not limited to CPUs; \
                the job sees SLURM_CPUS_PER_TASK
                train.sh:8: warning: --mail-type is accepted, but mail is not sent
                """);
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getName()).isEqualTo("llm");
        assertThat(spec.getNodes()).isEqualTo(2);
        assertThat(spec.getGpusPerNode()).isEqualTo(4);
        assertThat(spec.getNtasksPerNode()).isEqualTo(1);
        assertThat(spec.getTimeLimit().getSeconds()).isEqualTo(600);
        assertThat(spec.getOutputPattern()).isEqualTo("logs-%x-%j.out");
        assertThat(spec.getScript()).isEqualTo(TRAIN);
        assertThat(spec.getScriptArgsList()).containsExactly("--lr", "3e-4");
        assertThat(spec.getEnvironmentMap()).containsEntry("SLURM_CPUS_PER_TASK", "8")
                .containsEntry("SLURM_GPUS_PER_NODE", "4").containsEntry("WANDB_API_KEY", "secret");
    }

    @Test
    void theCommandLineOverridesTheScript() throws Exception {
        script("train.sh", TRAIN);

        var result = rotad.rota(alice, "submit", "-N", "4", "--gpus-per-node=8", "-J", "bigger", "train.sh");

        assertThat(result.exitCode()).isZero();
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getNodes()).isEqualTo(4);
        assertThat(spec.getGpusPerNode()).isEqualTo(8);
        assertThat(spec.getName()).isEqualTo("bigger");
        assertThat(result.err()).contains("train.sh:3: note: --gres=gpu:4 is set aside: the command line asks for GPUs");
    }

    @Test
    void aHeredocOnStdinIsReadWithItsDirectives() {
        // What `rota submit - <<EOF` sends once the outer shell has expanded $NODES.
        Caller piping = new Caller("alice", Map.of(), home, new ByteArrayInputStream("""
                #! /bin/bash
                #SBATCH --nodes=3
                #SBATCH --job-name=sft
                srun python sft.py
                """.getBytes(StandardCharsets.UTF_8)));

        var result = rotad.rota(piping, "submit", "--parsable", "-", "--epochs", "2");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("1\n");
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getNodes()).isEqualTo(3);
        assertThat(spec.getName()).isEqualTo("sft");
        assertThat(spec.getScriptArgsList()).containsExactly("--epochs", "2");
    }

    @Test
    void errorsInTheScriptArePrintedLikeACompilersAndNothingIsSubmitted() throws Exception {
        script("train.sh", """
                #!/bin/bash
                #SBATCH -N 2
                #SBATCH --exclusive
                #SBATCH --array=0-4%x
                #SBATCH --gres=gpu:4
                #SBATCH --cpus-per-task=8
                #SBATCH --time="1 day"
                srun python train.py
                """);

        var result = rotad.rota(alice, "submit", "train.sh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("""
                train.sh:3: warning: --exclusive is accepted but not enforced yet: other jobs may share the nodes' CPUs \
                and memory (GPUs are never shared)
                train.sh:4: invalid --array value '0-4%x': the limit after % must be a positive number
                train.sh:6: warning: --cpus-per-task is accepted but not enforced yet: tasks are not limited to CPUs; \
                the job sees SLURM_CPUS_PER_TASK
                train.sh:7: invalid --time value '1 day' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)
                rota: nothing submitted: 2 errors in train.sh
                """);
        assertThat(rotad.callers).as("the daemon is never called").isEmpty();
    }

    @Test
    void aScriptWithoutShebangIsRefusedAsSbatchRefusesIt() throws Exception {
        script("run.sh", "python train.py\n");

        var result = rotad.rota(alice, "submit", "run.sh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("""
                run.sh:1: the script does not start with #! (make its first line an interpreter such as #!/bin/bash; \
                sbatch refuses it too)
                rota: nothing submitted: 1 error in run.sh
                """);
    }

    @Test
    void holdBeginDependencyAndArrayReachTheDaemon() throws Exception {
        script("sweep.sh", "#!/bin/bash\n#SBATCH --array=1-10%2\n#SBATCH -d singleton\n#SBATCH -o logs/%A_%4a.out\n"
                + "python sweep.py $SLURM_ARRAY_TASK_ID\n");

        var result = rotad.rota(alice, "submit", "-H", "--begin=now+1hour", "-d", "afterok:12", "sweep.sh");

        assertThat(result.exitCode()).as(result.err()).isZero();
        var spec = rotad.submitted.getFirst();
        assertThat(spec.getHold()).isTrue();
        assertThat(spec.getDependency()).as("the command line wins").isEqualTo("afterok:12");
        assertThat(spec.getArray()).isEqualTo("1-10");
        assertThat(spec.getArrayThrottle()).isEqualTo(2);
        assertThat(spec.getOutputPattern()).isEqualTo("logs/%A_%4a.out");
        assertThat(spec.hasBeginTime()).isTrue();
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithASuggestion() {
        var result = rotad.rota("submit", "--mem-4G", "--wrap", "hostname");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: unrecognized option '--mem-4G' (did you mean --mem=4G?)\n"
                + "Try 'rota submit --help' for more information.");
    }

    @Test
    void testOnlyPrintsTheParsedRequestAndSubmitsNothing() throws Exception {
        script("train.sh", TRAIN);

        var result = rotad.rota(alice, "submit", "--test-only", "--export=PATH,HOME", "train.sh", "--lr", "3e-4");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                --test-only: nothing submitted. The job would be:
                JobName=llm
                Account=(default)
                QOS=(default)
                Partition=(default)
                NumNodes=2
                TasksPerNode=1
                GpusPerNode=4
                GpuType=(any)
                TimeLimit=10:00
                Script=train.sh
                ScriptArgs=--lr 3e-4
                WorkDir=%s
                StdOut=logs-%%x-%%j.out
                StdErr=(StdOut)
                Requeue=1
                Hold=0
                BeginTime=(now)
                Dependency=(none)
                Array=(none)
                Environment=HOME,PATH,SLURM_CONF,SLURM_CPUS_PER_TASK,SLURM_GPUS_PER_NODE
                NotEnforced=--cpus-per-task=8 --mail-type=FAIL
                start: unknown (no backfill estimate yet)
                """.formatted(home));
        assertThat(rotad.callers).as("the daemon is never called").isEmpty();
    }

    @Test
    void testOnlyJsonPrintsTheRequestAsDocumented() throws Exception {
        script("job.sh", "#!/bin/bash\n#SBATCH --gres=gpu:a100:2 --mem=0\n#SBATCH -A ml\nsrun x\n");

        var result = rotad.rota(alice, "submit", "--test-only", "--json", "--export=NONE", "job.sh");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                {
                  "submitted": false,
                  "estimated_start": null,
                  "job": {
                    "name": "job.sh",
                    "account": "ml",
                    "qos": null,
                    "partition": null,
                    "nodes": 1,
                    "ntasks_per_node": 1,
                    "gpus_per_node": 2,
                    "gpu_type": "a100",
                    "time_limit_seconds": 3600,
                    "script": "job.sh",
                    "script_args": [],
                    "working_dir": "%s",
                    "output_pattern": null,
                    "error_pattern": null,
                    "no_requeue": false,
                    "hold": false,
                    "begin_time": null,
                    "dependency": null,
                    "array": null,
                    "array_throttle": 0,
                    "environment": [
                      "SLURM_GPUS_PER_NODE"
                    ]
                  },
                  "not_enforced": [
                    {
                      "option": "--mem",
                      "value": "0",
                      "where": "job.sh:2"
                    }
                  ],
                  "warnings": [
                    "job.sh:2: warning: --mem is accepted but not enforced yet: no memory limit is applied, and nodes are not chosen by memory",
                    "job.sh:2: warning: --gres=gpu:a100:2: GPU types are not matched against node GPU models yet; any GPU will do"
                  ]
                }
                """.formatted(home));
        assertThat(rotad.submitted).isEmpty();
    }

    @Test
    void exportNoneSendsNoneOfTheCallersVariables() throws Exception {
        script("job.sh", "#!/bin/bash\n#SBATCH --export=NONE\nhostname\n");

        rotad.rota(alice, "submit", "job.sh");

        assertThat(rotad.submitted.getFirst().getEnvironmentMap()).isEmpty();
    }

    @Test
    void quietPrintsNothingOnSuccess() {
        var result = rotad.rota("submit", "-Q", "--wrap", "hostname");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(rotad.submitted).hasSize(1);
    }

    @Test
    void chdirInADirectiveIsRelativeToWhereRotaRuns() throws Exception {
        script("exp/job.sh", "#!/bin/bash\n#SBATCH -D runs/../out\nhostname\n");

        rotad.rota(alice, "submit", "exp/job.sh");

        assertThat(rotad.submitted.getFirst().getWorkingDir()).isEqualTo(home.resolve("out").toString());
        assertThat(rotad.submitted.getFirst().getName()).isEqualTo("job.sh");
    }

    @Test
    void doubleDashLetsAScriptNameStartWithADash() throws Exception {
        script("-odd.sh", "#!/bin/bash\nhostname\n");

        var result = rotad.rota(alice, "submit", "-N", "2", "--", "-odd.sh", "x");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.submitted.getFirst().getScriptArgsList()).containsExactly("x");
        assertThat(rotad.submitted.getFirst().getNodes()).isEqualTo(2);
    }

    @Test
    void addressAfterAnSbatchOptionIsStillRotasAddress() {
        var result = rotad.rota("submit", "-N", "2", "--address", "no-port", "--wrap", "hostname");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: invalid daemon address 'no-port'");
        assertThat(rotad.submitted).isEmpty();
    }

    @Test
    void dosLineBreaksAreRefused() throws Exception {
        script("win.sh", "#!/bin/bash\r\n#SBATCH -N 2\r\nhostname\r\n");

        var result = rotad.rota(alice, "submit", "win.sh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("win.sh:1: the script has DOS line breaks (\\r\\n); convert it with dos2unix");
    }

    @Test
    void helpListsWhatIsAppliedWarnedAboutAndRefused() {
        var result = rotad.rota("submit", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: rota submit [OPTIONS] SCRIPT [ARGS...]\n")
                .contains("  -N, --nodes=N[-MAX]", "      --gres=gpu[:TYPE][:N]", "%j job id",
                        "Accepted with a warning (checked, not enforced yet):", "-c/--cpus-per-task", "--mail-type",
                        "Refused (not supported yet, or not at all):", "-a, --array", "-d, --dependency",
                        "docs/sbatch.md");
        assertThat(result.out().lines()).allMatch(line -> line.length() <= 80, "fits 80 columns");
    }
}
