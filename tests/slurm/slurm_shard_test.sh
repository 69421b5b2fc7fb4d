#!/bin/bash
# A single-node Slurm cluster on localhost runs `arbiter run --shard auto` as a 4-task job array
# over the demo traces; `arbiter merge` of the four partial runs must equal one run, byte for
# byte (issue 18). Everything it starts (munged with its own key and socket, slurmctld, slurmd,
# with state and spool folders in a temporary folder) is stopped on exit.
#
#   tests/slurm/slurm_shard_test.sh ARBITER_BIN     (from the source root; as root)
#
# Exits 77 (CTest's SKIP_RETURN_CODE) when the Slurm or munge binaries are missing or when not
# root: slurmd must run as root to start jobs as their user.
set -euo pipefail

bin=$(realpath "${1:?usage: $0 ARBITER_BIN}")
src=$(pwd)
for tool in munged slurmctld slurmd sbatch scontrol sinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed (ARBITER_WITH_BROWSER=1 ./setup.sh installs slurm-wlm and munge)"
    exit 77
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: not root; a single-node Slurm needs slurmd to run as root"
  exit 77
fi

tmp=$(mktemp -d /tmp/arbiter-slurm.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ] && [ "$status" != 77 ]; then
    for log in "$tmp"/*.log; do echo "== $log"; tail -n 20 "$log"; done 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A port nothing listens on (a connection to it is refused).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

mkdir -p "$tmp/state" "$tmp/spool" "$tmp/munge"
chmod 700 "$tmp/munge"
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.sock" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" \
  --seed-file="$tmp/munge/munge.seed" --foreground 2>>"$tmp/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge/munge.sock" ] && break; sleep 0.1; done

host=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=arbiter-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -D -i >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then break; fi
  sleep 0.2
done
sinfo -h -o %T | grep -qx idle || { echo "FAIL: the node never came up idle"; sinfo; exit 1; }

suite=evaluators/suites/demo.yaml
traces=datasets/demo/traces.jsonl
sbatch --wait --array=0-3 --cpus-per-task=1 --chdir="$src" --output="$tmp/shard-%a.log" \
  --job-name=arbiter-shard \
  --wrap "'$bin' run -q -s $suite -t $traces -o '$tmp/runs/shard-'\$SLURM_ARRAY_TASK_ID --shard auto" \
  >"$tmp/sbatch.out"
for i in 0 1 2 3; do
  grep -q "(shard $i/4;" "$tmp/shard-$i.log" || { echo "FAIL: task $i did not run shard $i/4"; cat "$tmp/shard-$i.log"; exit 1; }
done

"$bin" merge "$tmp"/runs/shard-* -o "$tmp/merged"
"$bin" run -q -s $suite -t $traces -o "$tmp/whole"
for file in scores.jsonl scorecard.json scorecard.md trace_errors.jsonl; do
  cmp "$tmp/merged/$file" "$tmp/whole/$file"
done
echo "PASS: a 4-task Slurm array of arbiter run --shard auto merges into the bytes of one run"
