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
# CTest stops a test past its timeout; end through the EXIT trap so no daemon outlives the test.
trap 'exit 143' TERM INT

# A port nothing is bound to, below the kernel's ephemeral range (32768 and up), where the
# outgoing connections of other tests would otherwise hold it. Another process may still take it
# before slurmctld binds it, so the start below is retried with fresh ports.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if python3 -c "import socket,sys; socket.socket().bind(('', int(sys.argv[1])))" "$port" \
      2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

write_conf() {
  local ctld_port slurmd_port
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  cat >"$SLURM_CONF" <<CONF
ClusterName=arbiter-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
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
MessageTimeout=5
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

# Starts slurmctld and slurmd and waits (up to 20 s) for the node to come up idle. Fails as soon
# as either daemon exits (a port taken between free_port and its bind), leaving them stopped.
start_cluster() {
  write_conf
  slurmctld -D -i >>"$tmp/slurmctld.log" 2>&1 &
  local ctld=$!
  slurmd -D >>"$tmp/slurmd.log" 2>&1 &
  local slurmd_pid=$!
  pids+=("$ctld" "$slurmd_pid")
  local deadline=$((SECONDS + 20))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$ctld" 2>/dev/null || ! kill -0 "$slurmd_pid" 2>/dev/null; then break; fi
    if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qx idle; then return 0; fi
    sleep 0.2
  done
  kill "$ctld" "$slurmd_pid" 2>/dev/null || true
  wait "$ctld" "$slurmd_pid" 2>/dev/null || true
  return 1
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
started=
for attempt in 1 2 3; do
  if start_cluster; then started=1; break; fi
  echo "the cluster did not come up (attempt $attempt):"; tail -n 3 "$tmp/slurmctld.log" "$tmp/slurmd.log"
  rm -rf "$tmp/state"/* "$tmp/spool"/*
done
[ -n "$started" ] || { echo "FAIL: the node never came up idle"; exit 1; }

suite=evaluators/suites/demo.yaml
traces=datasets/demo/traces.jsonl
timeout 90 sbatch --wait --array=0-3 --cpus-per-task=1 --chdir="$src" --output="$tmp/shard-%a.log" \
  --job-name=arbiter-shard \
  --wrap "'$bin' run -q -s $suite -t $traces -o '$tmp/runs/shard-'\$SLURM_ARRAY_TASK_ID --shard auto" \
  >"$tmp/sbatch.out" || {
  echo "FAIL: the job array did not finish within 90 s"
  timeout 5 squeue || true
  exit 1
}
for i in 0 1 2 3; do
  grep -q "(shard $i/4;" "$tmp/shard-$i.log" || { echo "FAIL: task $i did not run shard $i/4"; cat "$tmp/shard-$i.log"; exit 1; }
done

"$bin" merge "$tmp"/runs/shard-* -o "$tmp/merged"
"$bin" run -q -s $suite -t $traces -o "$tmp/whole"
for file in scores.jsonl scorecard.json scorecard.md trace_errors.jsonl; do
  cmp "$tmp/merged/$file" "$tmp/whole/$file"
done
echo "PASS: a 4-task Slurm array of arbiter run --shard auto merges into the bytes of one run"
