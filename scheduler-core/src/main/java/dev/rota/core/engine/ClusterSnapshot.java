package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable picture of the cluster after an engine step. Readers (queries, metrics) use it from
 * any thread without locks and never wait for the engine.
 *
 * <p>Its jobs are a {@link JobTable}: a persistent map that shares everything a step did not touch
 * with the snapshot before, so {@link #next} costs what the step changed, not the number of jobs.
 *
 * @param step            how many engine steps produced it (grows by one per step)
 * @param jobs            every job, by id (copied unless it is already a {@link JobTable})
 * @param nodes           every known node, in natural name order
 * @param estimatedStarts when the blocked jobs that hold a reservation will start at the latest,
 *                        if running jobs use their whole time limits (a handful of jobs)
 * @param judgement       the last full scheduling cycle's priorities and fair-share tree
 */
public record ClusterSnapshot(long step, SortedMap<JobId, Job> jobs, List<NodeView> nodes,
        SortedMap<JobId, java.time.Instant> estimatedStarts, Judgement judgement) {
    public ClusterSnapshot {
        jobs = jobs instanceof JobTable table ? table : JobTable.copyOf(jobs);
        nodes = List.copyOf(nodes);
        estimatedStarts = Collections.unmodifiableSortedMap(new TreeMap<>(estimatedStarts));
        java.util.Objects.requireNonNull(judgement, "judgement");
    }

    public ClusterSnapshot(long step, SortedMap<JobId, Job> jobs, List<NodeView> nodes) {
        this(step, jobs, nodes, new TreeMap<>(), Judgement.NONE);
    }

    /**
     * What the last full scheduling cycle judged: each pending job's priority and the fair-share
     * tree, as of {@code at} (null before the first cycle). Jobs submitted since are not in it.
     * The priorities map is not copied (up to every pending job): the engine hands over a map it
     * never changes again.
     */
    public record Judgement(java.time.Instant at, java.util.Map<JobId, dev.rota.core.policy.Priority> priorities,
            List<dev.rota.core.policy.FairTree.Row> shares) {
        public static final Judgement NONE = new Judgement(null, java.util.Map.of(), List.of());

        public Judgement {
            priorities = Collections.unmodifiableMap(priorities);
            shares = List.copyOf(shares);
        }
    }

    public static ClusterSnapshot empty() {
        return new ClusterSnapshot(0, JobTable.EMPTY, List.of());
    }

    /** The latest start a blocked job's reservation promises, if it holds one. */
    public Optional<java.time.Instant> estimatedStart(JobId id) {
        return Optional.ofNullable(estimatedStarts.get(id));
    }

    public Optional<Job> job(JobId id) {
        return Optional.ofNullable(jobs.get(id));
    }

    public Optional<NodeView> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /**
     * The snapshot after one more step that upserted {@code upserted} (applied in order, so a later
     * value of the same job wins) and left the nodes as {@code nodes}. Costs O(upserted + jobs/1024).
     */
    public ClusterSnapshot next(long nextStep, Collection<Job> upserted, List<NodeView> nodes,
            SortedMap<JobId, java.time.Instant> starts, Judgement newJudgement) {
        return new ClusterSnapshot(nextStep, ((JobTable) jobs).with(upserted), nodes, starts, newJudgement);
    }

    /**
     * An immutable map of jobs by id that exploits what ids are: positive, dense and assigned in
     * increasing order. Jobs live in chunks of {@value #CHUNK} slots indexed by id; a new version
     * copies the chunk index and only the chunks it changes, and shares the rest with the old version.
     * Lookups are O(1); iteration is in id order.
     *
     * <p>Thread-safety: immutable, safe to share. {@link #headMap}, {@link #tailMap} and
     * {@link #subMap} return copies (O(size of the range)).
     */
    public static final class JobTable extends AbstractMap<JobId, Job> implements SortedMap<JobId, Job> {
        static final int CHUNK_BITS = 10;
        /** Slots per chunk. */
        static final int CHUNK = 1 << CHUNK_BITS;
        private static final Job[][] NO_CHUNKS = new Job[0][];
        static final JobTable EMPTY = new JobTable(NO_CHUNKS, 0);

        /** chunks[c][i] holds the job with id {@code c * CHUNK + i}; a chunk without jobs may be null. */
        private final Job[][] chunks;
        private final int size;

        private JobTable(Job[][] chunks, int size) {
            this.chunks = chunks;
            this.size = size;
        }

        /** A table holding the jobs of {@code jobs}. O(n). */
        public static JobTable copyOf(Map<JobId, Job> jobs) {
            if (jobs instanceof JobTable table) {
                return table;
            }
            return EMPTY.with(jobs.values());
        }

        /**
         * This table with {@code upserted} put in, in order. Untouched chunks are shared; each
         * touched chunk is copied once, however many of its jobs change.
         *
         * @throws IllegalArgumentException when a job's id does not fit (beyond 2^40)
         */
        public JobTable with(Collection<Job> upserted) {
            if (upserted.isEmpty()) {
                return this;
            }
            long maxId = 0;
            for (Job j : upserted) {
                maxId = Math.max(maxId, j.id().value());
            }
            int neededChunks = chunkOf(maxId) + 1;
            Job[][] next = Arrays.copyOf(chunks, Math.max(chunks.length, neededChunks));
            boolean[] copied = new boolean[next.length];
            int newSize = size;
            for (Job j : upserted) {
                long id = j.id().value();
                int c = chunkOf(id);
                if (!copied[c]) {
                    next[c] = next[c] == null ? new Job[CHUNK] : next[c].clone();
                    copied[c] = true;
                }
                int slot = (int) (id & (CHUNK - 1));
                if (next[c][slot] == null) {
                    newSize++;
                }
                next[c][slot] = j;
            }
            return new JobTable(next, newSize);
        }

        private static int chunkOf(long id) {
            long c = id >>> CHUNK_BITS;
            if (c >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("job id out of range: " + id);
            }
            return (int) c;
        }

        @Override
        public Job get(Object key) {
            if (!(key instanceof JobId id)) {
                return null;
            }
            long c = id.value() >>> CHUNK_BITS;
            if (c >= chunks.length) {
                return null;
            }
            Job[] chunk = chunks[(int) c];
            return chunk == null ? null : chunk[(int) (id.value() & (CHUNK - 1))];
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean isEmpty() {
            return size == 0;
        }

        @Override
        public Comparator<? super JobId> comparator() {
            // Natural order of JobId.
            return null;
        }

        @Override
        public JobId firstKey() {
            Iterator<Job> it = jobIterator();
            if (!it.hasNext()) {
                throw new NoSuchElementException();
            }
            return it.next().id();
        }

        @Override
        public JobId lastKey() {
            for (int c = chunks.length - 1; c >= 0; c--) {
                Job[] chunk = chunks[c];
                if (chunk != null) {
                    for (int i = CHUNK - 1; i >= 0; i--) {
                        if (chunk[i] != null) {
                            return chunk[i].id();
                        }
                    }
                }
            }
            throw new NoSuchElementException();
        }

        @Override
        public SortedMap<JobId, Job> subMap(JobId fromKey, JobId toKey) {
            return Collections.unmodifiableSortedMap(new TreeMap<>(this).subMap(fromKey, toKey));
        }

        @Override
        public SortedMap<JobId, Job> headMap(JobId toKey) {
            return Collections.unmodifiableSortedMap(new TreeMap<>(this).headMap(toKey));
        }

        @Override
        public SortedMap<JobId, Job> tailMap(JobId fromKey) {
            return Collections.unmodifiableSortedMap(new TreeMap<>(this).tailMap(fromKey));
        }

        /** The jobs in id order, without building entries. */
        private Iterator<Job> jobIterator() {
            return new Iterator<>() {
                private int chunk;
                private int slot;
                private Job next = advance();

                private Job advance() {
                    while (chunk < chunks.length) {
                        Job[] c = chunks[chunk];
                        if (c != null) {
                            while (slot < CHUNK) {
                                Job j = c[slot++];
                                if (j != null) {
                                    return j;
                                }
                            }
                        }
                        chunk++;
                        slot = 0;
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Job next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    Job j = next;
                    next = advance();
                    return j;
                }
            };
        }

        @Override
        public Collection<Job> values() {
            return new AbstractCollection<>() {
                @Override
                public Iterator<Job> iterator() {
                    return jobIterator();
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }

        @Override
        public Set<JobId> keySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<JobId> iterator() {
                    Iterator<Job> jobs = jobIterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return jobs.hasNext();
                        }

                        @Override
                        public JobId next() {
                            return jobs.next().id();
                        }
                    };
                }

                @Override
                public boolean contains(Object o) {
                    return containsKey(o);
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }

        @Override
        public Set<Map.Entry<JobId, Job>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<JobId, Job>> iterator() {
                    Iterator<Job> jobs = jobIterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return jobs.hasNext();
                        }

                        @Override
                        public Map.Entry<JobId, Job> next() {
                            Job j = jobs.next();
                            return Map.entry(j.id(), j);
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }
}
