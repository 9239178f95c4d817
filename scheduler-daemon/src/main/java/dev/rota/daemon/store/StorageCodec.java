package dev.rota.daemon.store;

import com.google.protobuf.ByteString;
import dev.rota.core.job.ArrayIndexes;
import dev.rota.core.job.Dependency;
import dev.rota.core.job.Environment;
import dev.rota.core.job.Hold;
import dev.rota.core.job.JobArray;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.job.NodeLimits;
import dev.rota.core.job.WarnSignal;
import dev.rota.core.node.Drain;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.NodeRecord;
import dev.rota.storage.v1.StoredGpu;
import dev.rota.storage.v1.StoredJob;
import dev.rota.storage.v1.StoredJobArray;
import dev.rota.storage.v1.StoredJobSpec;
import dev.rota.storage.v1.StoredNode;
import dev.rota.storage.v1.StoredEnvironment;
import dev.rota.storage.v1.StoredNodeAllocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Maps core values to and from their {@code rota.storage.v1} form. Pure and stateless. */
public final class StorageCodec {
    private StorageCodec() {
    }

    public static StoredJob encode(Job job) {
        JobSpec s = job.spec();
        StoredJobSpec spec = StoredJobSpec.newBuilder()
                .setName(s.name()).setUser(s.user()).setAccount(s.account()).setPartition(s.partition())
                .setNodes(s.nodes()).setNtasksPerNode(s.tasksPerNode()).setGpusPerNode(s.gpusPerNode())
                .setTimeLimitSeconds(s.timeLimit().toSeconds()).setScript(s.script()).addAllScriptArgs(s.scriptArgs())
                .setWorkingDir(s.workingDir()).setOutputPattern(s.outputPattern()).setErrorPattern(s.errorPattern())
                .setEnvironmentBlob(environmentBlob(s.environment())).setNoRequeue(!s.requeue())
                .setQos(s.qos()).setSignal(s.signal().map(WarnSignal::toString).orElse(""))
                .setMemPerNodeBytes(s.limits().memoryBytes()).setCpusPerTask(s.limits().cpusPerTask())
                .setHold(s.hold() == Hold.NONE ? "" : s.hold().name())
                .setBeginTimeMs(s.begin().map(Instant::toEpochMilli).orElse(0L))
                .setDependency(s.dependency().toString())
                .build();
        if (s.array().isPresent()) {
            JobArray a = s.array().get();
            spec = spec.toBuilder().setArray(StoredJobArray.newBuilder().setArrayJobId(a.arrayJobId())
                    .setHasTaskId(a.taskId().isPresent()).setTaskId(a.taskId().orElse(0))
                    .setPending(a.pending().toString()).setCount(a.count()).setMin(a.min()).setMax(a.max())
                    .setStep(a.step()).setThrottle(a.throttle())).build();
        }
        StoredJob.Builder b = StoredJob.newBuilder()
                .setId(job.id().value()).setSpec(spec).setState(job.state().name()).setReason(job.reason())
                .setSubmitTimeMs(millis(job.submitTime())).setStartTimeMs(millis(job.startTime()))
                .setEndTimeMs(millis(job.endTime())).setAttempt(job.attempt()).setOutputPath(job.outputPath())
                .setErrorPath(job.errorPath()).setMasterPort(job.masterPort());
        job.exitCode().ifPresent(c -> b.setHasExitCode(true).setExitCode(c));
        job.energyJoules().ifPresent(j -> b.setHasEnergy(true).setEnergyJoules(j));
        if (job.endingAs() != null) {
            b.setEndingAs(job.endingAs().name());
        }
        for (NodeAllocation a : job.allocation()) {
            b.addAllocation(StoredNodeAllocation.newBuilder().setNode(a.node()).addAllGpuIndices(a.gpus()));
        }
        return b.build();
    }

    public static Job decode(StoredJob j) {
        StoredJobSpec s = j.getSpec();
        JobSpec spec = new JobSpec(s.getName(), s.getUser(), s.getAccount(), s.getPartition(), s.getNodes(),
                s.getNtasksPerNode(), s.getGpusPerNode(), Duration.ofSeconds(s.getTimeLimitSeconds()), s.getScript(),
                s.getScriptArgsList(), s.getWorkingDir(), s.getOutputPattern(), s.getErrorPattern(),
                s.getEnvironmentBlob().isEmpty() ? Environment.of(s.getEnvironmentMap())
                        : Environment.decodedLater(s.getEnvironmentBlob(), StorageCodec::decodeEnvironment),
                !s.getNoRequeue(), s.getQos(),
                s.getSignal().isEmpty() ? Optional.empty() : Optional.of(WarnSignal.parse(s.getSignal())),
                new NodeLimits(s.getMemPerNodeBytes(), s.getCpusPerTask()),
                s.getHold().isEmpty() ? Hold.NONE : Hold.valueOf(s.getHold()),
                s.getBeginTimeMs() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.getBeginTimeMs())),
                Dependency.parse(s.getDependency()),
                s.hasArray() ? Optional.of(array(s.getArray())) : Optional.empty());
        List<NodeAllocation> allocation = new ArrayList<>();
        for (StoredNodeAllocation a : j.getAllocationList()) {
            allocation.add(new NodeAllocation(a.getNode(), a.getGpuIndicesList()));
        }
        return new Job(JobId.of(j.getId()), spec, JobState.valueOf(j.getState()), j.getReason(),
                j.getHasExitCode() ? OptionalInt.of(j.getExitCode()) : OptionalInt.empty(),
                instant(j.getSubmitTimeMs()), instant(j.getStartTimeMs()), instant(j.getEndTimeMs()), allocation,
                j.getAttempt(), j.getOutputPath(), j.getErrorPath(),
                j.getEndingAs().isEmpty() ? null : JobState.valueOf(j.getEndingAs()), j.getMasterPort(),
                j.getHasEnergy() ? java.util.OptionalDouble.of(j.getEnergyJoules()) : java.util.OptionalDouble.empty());
    }

    private static JobArray array(StoredJobArray a) {
        return new JobArray(a.getArrayJobId(), a.getHasTaskId() ? OptionalInt.of(a.getTaskId()) : OptionalInt.empty(),
                a.getPending().isEmpty() ? ArrayIndexes.empty() : ArrayIndexes.parse(a.getPending()), a.getCount(),
                a.getMin(), a.getMax(), a.getStep(), a.getThrottle());
    }

    public static StoredNode encode(NodeRecord n) {
        StoredNode.Builder b = StoredNode.newBuilder().setName(n.name()).setAddress(n.address());
        for (Gpu g : n.gpus()) {
            StoredGpu.Builder stored = StoredGpu.newBuilder().setIndex(g.index()).setUuid(g.uuid())
                    .setModel(g.model()).setMemoryBytes(g.memoryBytes());
            if (g.numaNode() >= 0) {
                stored.setNumaNode(g.numaNode());
            }
            b.addGpus(stored);
        }
        n.drain().ifPresent(d -> b.setDrained(true).setDrainReason(d.reason()).setDrainedBy(d.by())
                .setDrainedAtMs(millis(d.at())));
        return b.build();
    }

    public static NodeRecord decode(StoredNode n) {
        List<Gpu> gpus = new ArrayList<>();
        for (StoredGpu g : n.getGpusList()) {
            gpus.add(new Gpu(g.getIndex(), g.getUuid(), g.getModel(), g.getMemoryBytes(),
                    g.hasNumaNode() ? g.getNumaNode() : -1));
        }
        Optional<Drain> drain = n.getDrained()
                ? Optional.of(new Drain(n.getDrainReason(), n.getDrainedBy(), instant(n.getDrainedAtMs())))
                : Optional.empty();
        return new NodeRecord(n.getName(), n.getAddress(), gpus, drain);
    }

    /** The encoded environment: the bytes it was read from when it has not changed, else a new encoding. */
    static ByteString environmentBlob(Map<String, String> environment) {
        if (environment instanceof Environment e && e.encoded().orElse(null) instanceof ByteString blob) {
            return blob;
        }
        StoredEnvironment.Builder b = StoredEnvironment.newBuilder();
        for (Map.Entry<String, String> v : new TreeMap<>(environment).entrySet()) {
            b.addNames(v.getKey()).addValues(v.getValue());
        }
        return b.build().toByteString();
    }

    private static SortedMap<String, String> decodeEnvironment(Object blob) {
        try {
            StoredEnvironment env = StoredEnvironment.parseFrom((ByteString) blob);
            SortedMap<String, String> out = new TreeMap<>();
            for (int i = 0; i < env.getNamesCount(); i++) {
                out.put(env.getNames(i), env.getValues(i));
            }
            return out;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new StoreFailure("a stored job environment is corrupt: " + e.getMessage(), e);
        }
    }

    private static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }

    private static Instant instant(long ms) {
        return ms == 0 ? null : Instant.ofEpochMilli(ms);
    }
}
