package dev.rota.agent.exec;

import java.nio.file.Path;

/**
 * The {@code bin/srun} wrapper put on a job's PATH: a bash script that runs
 * {@code dev.rota.agent.step.Srun} on the agent's own java binary and class path, tuned for a quick
 * start (C1 only, serial GC, no native transport to load) because jobs start srun often; it must
 * print nothing of its own, since its output is the tasks' output.
 */
final class SrunScript {

    /** Main class of srun; named by string because {@code step} depends on this package. */
    static final String MAIN_CLASS = "dev.rota.agent.step.Srun";

    private SrunScript() {
    }

    /** The script text for this JVM. */
    static String forThisJvm() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return text(java, System.getProperty("java.class.path", ""));
    }

    static String text(String java, String classPath) {
        return "#!/bin/bash\n"
                + "# Written by rota-agent: srun runs on the agent's java and class path.\n"
                + "exec " + quote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
                + " --enable-native-access=ALL-UNNAMED -Dio.grpc.netty.shaded.io.netty.transport.noNative=true"
                + " -cp " + quote(classPath) + " " + MAIN_CLASS + " \"$@\"\n";
    }

    /** Single-quotes {@code s} for bash. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
