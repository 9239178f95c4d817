#!/usr/bin/env bash
# Records what rota-agent reads from a real GPU host, so tests can replay it as fixtures.
# Usage: tools/record-gpu-fixtures.sh OUTDIR
# Runs every nvidia-smi query the agent issues (the exact argument lists of NvidiaSmiInventory and
# NvidiaSmiHealth), plus `nvidia-smi -q`, `nvidia-smi topo -m`, the kernel log's NVRM lines and the
# driver version, one file per command, each starting with a header naming the host, date and
# command. Failing commands are recorded too (their exit status and stderr), never skipped.
set -u
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
host=$(hostname -s 2>/dev/null || hostname)
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
record() { # record NAME COMMAND...
  local name=$1; shift
  local f="$out/$name"
  {
    echo "# Recorded on a real GPU host ($host, $(uname -r)) at $when by tools/record-gpu-fixtures.sh"
    echo "# Command: $*"
  } > "$f.header"
  "$@" > "$f.stdout" 2> "$f.stderr"; local rc=$?
  echo "# Exit status: $rc" >> "$f.header"
  { cat "$f.header"; cat "$f.stdout"; if [ -s "$f.stderr" ]; then echo "# stderr:"; sed 's/^/# /' "$f.stderr"; fi; } > "$f"
  rm -f "$f.header" "$f.stdout" "$f.stderr"
}
record inventory.csv nvidia-smi --query-gpu=index,uuid,name,memory.total,pci.bus_id --format=csv,noheader,nounits
record health.csv nvidia-smi --query-gpu=index,uuid,pci.bus_id,temperature.gpu,power.draw,ecc.errors.uncorrected.volatile.total,retired_pages.pending,clocks_throttle_reasons.active --format=csv,noheader,nounits
record usage.csv nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits
record remapped-rows.csv nvidia-smi --query-remapped-rows=gpu_bus_id,remapped_rows.pending,remapped_rows.failure --format=csv,noheader,nounits
record numa.csv nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader,nounits
record clocks-event-reasons.csv nvidia-smi --query-gpu=index,clocks_event_reasons.active,clocks_throttle_reasons.hw_slowdown,clocks_throttle_reasons.sw_thermal_slowdown --format=csv,noheader,nounits
record invalid-field.csv nvidia-smi --query-gpu=index,no.such.field --format=csv,noheader,nounits
record query.txt nvidia-smi -q
record query-ecc.txt nvidia-smi -q -d ECC,PAGE_RETIREMENT,ROW_REMAPPER
record query-performance.txt nvidia-smi -q -d PERFORMANCE,TEMPERATURE,POWER
record topo.txt nvidia-smi topo -m
record list.txt nvidia-smi -L
record default.txt nvidia-smi
record dmesg-nvrm.txt sh -c 'dmesg 2>&1 | grep -iE "nvrm|xid|nvidia" | tail -n 200'
record help-query-gpu.txt nvidia-smi --help-query-gpu
record help-query-remapped-rows.txt nvidia-smi --help-query-remapped-rows
ls -la "$out"
