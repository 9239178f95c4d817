#!/bin/bash
# rota-stepd: the per-job supervisor, like Slurm's slurmstepd. Usage: rota-stepd JOBDIR CMD [ARG...]
#
# Started by rota-agent under setsid. Runs CMD in a session of its own, writes its pid to
# JOBDIR/job.pid, waits for it, and writes its exit status (128 + N when signal N killed it) to
# JOBDIR/exit-status, each file atomically (written aside, then renamed). It is not the agent's
# child in any way that matters: it outlives an agent restart, and the next agent re-adopts the job
# from JOBDIR. Signals meant for the job (TERM, USR1, ...) are caught and ignored here, so that
# only the job reacts to them; the agent never sends this process KILL.
dir=$1
shift
trap ':' TERM INT HUP QUIT USR1 USR2 ALRM PIPE
setsid "$@" </dev/null &
pid=$!
echo "$pid" > "$dir/job.pid.tmp" && mv -f "$dir/job.pid.tmp" "$dir/job.pid"
# A caught signal interrupts wait; wait again until the job itself is gone.
while :; do
    wait "$pid"
    status=$?
    kill -0 "$pid" 2>/dev/null || break
done
echo "$status" > "$dir/exit-status.tmp" && mv -f "$dir/exit-status.tmp" "$dir/exit-status"
exit "$status"
