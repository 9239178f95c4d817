#!/usr/bin/env bash
# End-to-end smoke test on a real GPU host: starts rotad --standalone (which finds the GPUs with
# nvidia-smi), submits a batch job that runs PyTorch on one GPU, waits for it and prints what the
# job saw and what rotad reports. Usage: tools/gpu-smoke.sh OUTDIR [JAVA] [ROTAD_JAR] [CLI_CLASSPATH]
# (defaults: bin/rotad and bin/rota from this checkout). Run here without a GPU it shows the plumbing
# (the job then fails importing torch); on 2026-11-23 the lent H100 was withdrawn before it ran there.
set -u
out=${1:?usage: $0 OUTDIR}; mkdir -p "$out"
java=${2:-}; rotad_jar=${3:-}; cli_cp=${4:-}
root=$(cd "$(dirname "$0")/.." && pwd)
addr=127.0.0.1:17070
rotad() { if [ -n "$java" ]; then "$java" --enable-native-access=ALL-UNNAMED -jar "$rotad_jar" "$@"; else "$root/bin/rotad" "$@"; fi; }
rota() { if [ -n "$java" ]; then "$java" -cp "$cli_cp" dev.rota.cli.RotaCli --address "$addr" "$@"; else "$root/bin/rota" --address "$addr" "$@"; fi; }
work=$(mktemp -d); data=$work/data
rotad --standalone --data-dir "$data" --listen "$addr" --metrics-listen 127.0.0.1:17071 > "$out/rotad.log" 2>&1 &
daemon=$!
for _ in $(seq 60); do rota nodes > /dev/null 2>&1 && break; sleep 1; done
cat > "$work/gpu-job.sh" <<'JOB'
#!/bin/bash
#SBATCH -J gpu-smoke
#SBATCH --gpus-per-node=1
#SBATCH -t 5
echo "host=$(hostname) job=$SLURM_JOB_ID nodes=$SLURM_JOB_NODELIST CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
python3 - <<'PY'
import torch, time
print("cuda available:", torch.cuda.is_available(), "devices:", torch.cuda.device_count(), torch.cuda.get_device_name(0))
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
torch.cuda.synchronize(); t = time.time()
for _ in range(50): b = a @ a
torch.cuda.synchronize(); dt = time.time() - t
print("bf16 matmul TFLOP/s: %.0f" % (50 * 2 * 8192**3 / dt / 1e12))
PY
JOB
cd "$work" || exit 1
rota nodes --json > "$out/nodes.json" 2>&1
id=$(rota submit --parsable gpu-job.sh 2> "$out/submit.err" || rota submit gpu-job.sh | grep -o '[0-9]*$')
echo "submitted $id"
for _ in $(seq 120); do rota show "$id" | grep -qE 'COMPLETED|FAILED|CANCELLED|TIMEOUT' && break; sleep 1; done
rota show "$id" > "$out/show.txt" 2>&1; rota show --json "$id" > "$out/show.json" 2>&1
cat "$work"/*.out > "$out/job-output.txt" 2>/dev/null
curl -s 127.0.0.1:17071/metrics > "$out/rotad-metrics.txt"
kill "$daemon"; wait "$daemon" 2>/dev/null
cat "$out/show.txt" "$out/job-output.txt"
