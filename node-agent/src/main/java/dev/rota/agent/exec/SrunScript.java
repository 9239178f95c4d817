package dev.rota.agent.exec;

import java.nio.file.Path;

/**
 * The wrappers the agent puts in a job's {@code bin} directory, on its PATH: {@code srun} runs
 * {@code dev.rota.agent.step.Srun} and {@code scontrol} runs {@code dev.rota.agent.compat.Scontrol},
 * each a bash script that execs the agent's own java binary and class path, tuned for a quick start
 * (C1 only, serial GC, no native transport to load) because jobs start them often; they must print
 * nothing of their own, since srun's output is the tasks' output.
 */
final class SrunScript {

    /** Main class of srun; named by string because {@code step} depends on this package. */
    static final String MAIN_CLASS = "dev.rota.agent.step.Srun";
    /** Main class of scontrol; named by string, like srun's. */
    static final String SCONTROL_MAIN_CLASS = "dev.rota.agent.compat.Scontrol";

    private SrunScript() {
    }

    /** The srun script text for this JVM. */
    static String forThisJvm() {
        return text(thisJava(), System.getProperty("java.class.path", ""));
    }

    /** The scontrol script text for this JVM. */
    static String scontrolForThisJvm() {
        return text(thisJava(), System.getProperty("java.class.path", ""), SCONTROL_MAIN_CLASS);
    }

    static String text(String java, String classPath) {
        return text(java, classPath, MAIN_CLASS);
    }

    static String text(String java, String classPath, String mainClass) {
        return "#!/bin/bash\n"
                + "# Written by rota-agent: " + mainClass.substring(mainClass.lastIndexOf('.') + 1).toLowerCase()
                + " runs on the agent's java and class path.\n"
                + "exec " + quote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
                + " --enable-native-access=ALL-UNNAMED -Dio.grpc.netty.shaded.io.netty.transport.noNative=true"
                + " -cp " + quote(classPath) + " " + mainClass + " \"$@\"\n";
    }

    private static String thisJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Single-quotes {@code s} for bash. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
