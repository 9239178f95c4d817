package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShowCommandTest {
    private final FakeRotad rotad = new FakeRotad()
            .with(Examples.runningTraining())
            .with(Examples.pendingEvaluation())
            .with(Examples.completedSweep());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void showsARunningJobAsKeyValueLines() {
        var result = rotad.rota("show", "7");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                JobId=7
                JobName=train-llm
                UserId=alice
                Account=ml-research
                QOS=(null)
                Partition=gpu
                JobState=RUNNING
                Reason=None
                ExitCode=(null)
                NumNodes=2
                TasksPerNode=8
                GpusPerNode=4
                TimeLimit=2-00:00:00
                SubmitTime=2026-11-23T10:29:30Z
                StartTime=2026-11-23T10:30:00Z
                EndTime=Unknown
                RunTime=1:30:00
                NodeList=node-[1-2]
                Allocation=node-1:0,1,2,3 node-2:4,5,6,7
                WorkDir=/home/alice/exp
                StdOut=/home/alice/exp/rota-7.out
                StdErr=/home/alice/exp/rota-7.out
                Attempts=1
                """);
    }

    @Test
    void aPendingJobShowsItsReasonAndNoNodes() {
        var result = rotad.rota("show", "12");

        assertThat(result.out()).contains("JobState=PENDING\nReason=Resources\n", "StartTime=Unknown\n",
                "RunTime=0:00\n", "NodeList=(null)\n", "Allocation=(null)\n", "TasksPerNode=1\n");
    }

    @Test
    void aFinishedJobShowsItsExitCodeAndSeparateErrorFile() {
        var result = rotad.rota("show", "3");

        assertThat(result.out()).contains("JobState=COMPLETED\n", "ExitCode=0\n", "EndTime=2026-11-23T09:01:15Z\n",
                "RunTime=1:05\n", "StdErr=/home/alice/sweep.err\n");
    }

    @Test
    void jsonPrintsTheJobObject() {
        var result = rotad.rota("show", "7", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("{\n  \"id\": 7,\n  \"name\": \"train-llm\",\n")
                .contains("\"start_time\": \"2026-11-23T10:30:00Z\"", "\"end_time\": null", "\"exit_code\": null");
    }

    @Test
    void anUnknownJobFailsWithExit1() {
        var result = rotad.rota("show", "42");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: job 42 does not exist\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aJobIdThatIsNoNumberIsAUsageError() {
        var result = rotad.rota("show", "latest");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: ").contains("'latest'");
        assertThat(rotad.callers).isEmpty();
    }
}
