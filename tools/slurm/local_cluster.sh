#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for nmsim's cluster tests and for trying
# `nmsim sweep --slurm` without a cluster: Debian's munge, slurmctld and slurmd, each started by
# hand (no systemd needed), with every file they use in one state folder, so it never touches a
# Slurm or munge the machine already runs.
#
#   tools/slurm/local_cluster.sh start [DIR] [OWNER_PID]
#                                             start munged, slurmctld and slurmd; wait until the
#                                             node is idle; print the SLURM_CONF to export. With
#                                             OWNER_PID, the cluster stops by itself once that
#                                             process has ended (a test killed by its timeout
#                                             leaves no daemons behind).
#   tools/slurm/local_cluster.sh stop  [DIR]   stop them (by their pid files)
#   tools/slurm/local_cluster.sh status [DIR]  sinfo of the cluster
#
# DIR defaults to $NMSIM_SLURM_DIR or /tmp/nmsim-slurm. Clients (sbatch, squeue, sacct, and
# nmsim sweep --slurm) find this cluster through SLURM_CONF=DIR/slurm.conf.
# Needs root (slurmd starts jobs as their owner) and the packages that tools/setup.sh installs:
# munge, slurmctld, slurmd and slurm-client.
set -euo pipefail

command=${1:-}
dir=${2:-${NMSIM_SLURM_DIR:-/tmp/nmsim-slurm}}
owner_pid=${3:-}

die() { echo "local_cluster: $*" >&2; exit 1; }

need() {
  for tool in munged mungekey slurmctld slurmd sinfo; do
    command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] ||
      die "$tool is missing: run bash tools/setup.sh"
  done
  [ "$(id -u)" = 0 ] || die "must run as root (slurmd starts jobs as their owner)"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }

write_config() {
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
  cat > "$dir/slurm.conf" <<CONF
# Written by tools/slurm/local_cluster.sh: one node, this machine, every file under $dir.
ClusterName=nmsim-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$((6817 + port_offset))
SlurmdPort=$((6818 + port_offset))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
MaxArraySize=100001
MaxJobCount=200000
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=nmsim Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
  need
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 0755 "$dir" "$dir/munge"
  # Ports of their own, derived from the folder, so two clusters (or a system one) never clash.
  port_offset=$(( $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 500 * 2 + 100 ))
  [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" > /dev/null
  chmod 0400 "$dir/munge/munge.key"
  write_config

  if ! pid_alive "$dir/munge/munged.pid"; then
    /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
      --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
      --seed-file="$dir/munge/munged.seed"
  fi
  export SLURM_CONF="$dir/slurm.conf"
  pid_alive "$dir/slurmctld.pid" || /usr/sbin/slurmctld -f "$SLURM_CONF"
  pid_alive "$dir/slurmd.pid" || /usr/sbin/slurmd -f "$SLURM_CONF"

  [ -z "$owner_pid" ] || watch_owner

  # Ready when the node answers idle (or mixed/allocated: jobs from an earlier start).
  for _ in $(seq 1 60); do
    state=$(sinfo --noheader --format=%T 2> /dev/null | head -1 || true)
    case "$state" in
      idle|mixed|allocated) echo "export SLURM_CONF=$SLURM_CONF"; return 0 ;;
    esac
    sleep 1
  done
  die "the node did not come up within 60 s (state '${state:-none}'); logs in $dir/log"
}

# A detached watcher: when the owner process ends, however it ends, the cluster stops.
watch_owner() {
  kill -0 "$owner_pid" 2> /dev/null || die "owner process $owner_pid is not running"
  setsid bash -c 'while kill -0 "$1" 2> /dev/null; do sleep 2; done; exec bash "$2" stop "$3"' \
    local_cluster_watch "$owner_pid" "$0" "$dir" < /dev/null > /dev/null 2>&1 &
}

stop() {
  for pid_file in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    if pid_alive "$pid_file"; then
      pid=$(cat "$pid_file")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
    fi
  done
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) SLURM_CONF="$dir/slurm.conf" sinfo ;;
  *) die "usage: local_cluster.sh start|stop|status [DIR]" ;;
esac
