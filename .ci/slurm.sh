#!/usr/bin/env bash
# Runs a small sweep on a real Slurm cluster: installs Slurm and munge from
# Debian's packages, starts a one-node cluster on localhost (slurmctld,
# slurmd, munged; config in a temporary directory, SLURM_CONF), writes the
# sweep's job array and merge job with `freightsim slurm`, submits them with
# the submit.sh it wrote, waits for both by polling squeue, and checks that
# the merged results equal a local `freightsim sweep` of the same file, byte
# for byte. It stops the daemons it started, also when it fails.
#
# Run it as root on a fresh Debian 12 machine of the project's kind (see
# ../shared/notes/slurm-local.md); it is safe to run again. Usage:
#   bash .ci/slurm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
step() { printf '\n=== %s\n' "$*"; }
die() { echo "slurm.sh: $*" >&2; exit 1; }
began=$(date +%s)
sweep=testdata/sweeps/slurm-ci.yaml
tasks=4

[ "$(id -u)" = 0 ] || die "run me as root: I install packages and start daemons"

# The daemons this script started, as "name pid" lines: stopped on exit, and
# by the next run if this one was killed before it could.
state=/run/freightsim-slurm-ci
mkdir -p "$state"
work=$(mktemp -d)
chmod 755 "$work" # slurmctld runs as the user slurm and reads its config here

alive() { [ -n "$2" ] && [ -r "/proc/$2/comm" ] && [ "$(cat "/proc/$2/comm")" = "$1" ]; }
stop_started() {
  [ -s "$state/pids" ] || return 0
  # Reverse order: slurmd, slurmctld, munged.
  tac "$state/pids" | while read -r name pid; do
    alive "$name" "$pid" || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$name" "$pid" || break; sleep 0.1; done
    if alive "$name" "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stopped $name ($pid)"
  done
  rm -f "$state/pids"
}
cleanup() {
  status=$?
  step "stop the daemons this script started"
  stop_started
  rm -rf "$work"
  echo "slurm.sh: $([ $status = 0 ] && echo ok || echo FAILED) in $(( $(date +%s) - began )) s"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stop_started # left by an earlier run that was killed

step "install Slurm and munge (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq slurm-wlm munge > /dev/null
dpkg-query -W -f '${Package} ${Version}\n' slurm-wlm slurmctld slurmd munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi

step "start a one-node cluster on localhost"
for d in slurmctld slurmd; do
  if pidof "$d" > /dev/null; then die "a $d is already running here (pid $(pidof "$d")), not started by me: stop it first"; fi
done
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<'CONF'
ClusterName=local
SlurmctldHost=localhost
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
chmod 644 "$SLURM_CONF"
mkdir -p /run/munge /run/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
chown munge:munge /run/munge
chmod 755 /run/munge
chown slurm:slurm /run/slurm /var/spool/slurmctld /var/log/slurm

# wait_for SECONDS WHAT COMMAND...: poll COMMAND every 0.1 s until it succeeds.
# The limits are what a 2-core machine running at a fifth of its speed (other
# work keeping both cores busy) needs with room to spare; an idle one takes
# about a second for each.
wait_for() {
  local limit=$1 what=$2 end; shift 2
  end=$(( $(date +%s) + limit ))
  while [ "$(date +%s)" -lt "$end" ]; do "$@" && return 0; sleep 0.1; done
  die "$what: not after $limit s"
}
# started NAME PIDFILE: record the daemon that wrote PIDFILE as ours.
started() {
  wait_for 60 "$1 writes $2" test -s "$2"
  echo "$1 $(cat "$2")" >> "$state/pids"
  echo "started $1 ($(cat "$2"))"
}
if [ -S /run/munge/munge.socket.2 ] && pidof munged > /dev/null; then
  echo "munged is running already (pid $(pidof munged)): using it, and leaving it running"
else
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  started munged /run/munge/munged.pid
  wait_for 60 "munged's socket" test -S /run/munge/munge.socket.2
fi
rm -f /run/slurm/slurmctld.pid /run/slurm/slurmd.pid
/usr/sbin/slurmctld -c
started slurmctld /run/slurm/slurmctld.pid
/usr/sbin/slurmd -N localhost
started slurmd /run/slurm/slurmd.pid
node_idle() {
  for d in slurmctld slurmd; do
    alive "$d" "$(awk -v d=$d '$1 == d {print $2}' "$state/pids")" ||
      die "$d stopped; the end of its log:$(printf '\n'; tail -n 5 /var/log/slurm/$d.log)"
  done
  [ "$(timeout 5 sinfo -h -o %T 2>/dev/null)" = idle ]
}
wait_for 300 "the node is idle" node_idle
sinfo

step "build freightsim"
go build -o "$work/freightsim" ./cmd/freightsim
bin="$work/freightsim"

step "write the sweep's jobs with freightsim slurm, and submit them"
# --max-array-size 3 splits the 4 tasks into two job arrays, of 3 and 1 tasks,
# as freightsim slurm does for a cluster's MaxArraySize.
"$bin" slurm "$sweep" --out "$work/cluster" --tasks "$tasks" --max-array-size 3 --time 01:00:00
bash "$work/cluster/slurm/submit.sh"
# shellcheck disable=SC1091
. "$work/cluster/slurm/jobs"
[ -n "${array_jobs:-}" ] && [ -n "${merge_job:-}" ] || die "submit.sh did not write the job ids"
set -- $array_jobs
[ $# = 2 ] || die "submit.sh submitted $# job arrays ($array_jobs), want 2 (4 tasks, MaxArraySize 3)"

step "wait for the job arrays $array_jobs and the merge job $merge_job"
queued() { [ -n "$(timeout 10 squeue -h -j "${array_jobs// /,},$merge_job" 2>/dev/null)" ]; }
waited=0
while queued; do
  sleep 0.5
  waited=$((waited + 1))
  [ $waited -lt 3600 ] || { squeue; die "the jobs are still queued after 1800 s"; }
done
echo "both finished after about $((waited / 2)) s"
for log in "$work"/cluster/slurm/logs/*; do
  echo "--- $(basename "$log")"
  tail -n 3 "$log"
done
[ -s "$work/cluster/results/manifest.json" ] || die "the merge job wrote no results (did a task fail? see the logs above)"
grep -q '"complete": true' "$work/cluster/results/manifest.json" || die "the merged sweep is not complete"
n=$(ls -d "$work"/cluster/shards/[0-9]* | wc -l)
[ "$n" = "$tasks" ] || die "$n shard directories, want $tasks"

step "the merged results equal a local sweep of the same file"
"$bin" sweep "$sweep" --out "$work/local" --workers 2 --quiet > /dev/null
for f in runs.csv aggregate.csv points.csv; do
  cmp "$work/local/$f" "$work/cluster/results/$f"
  echo "$f: identical ($(($(wc -l < "$work/local/$f") - 1)) rows)"
done
for f in "$work"/local/plots/*.csv; do
  cmp "$f" "$work/cluster/results/plots/$(basename "$f")"
done
echo "plots: the data of $(ls "$work"/local/plots/*.csv | wc -l) figures identical"
