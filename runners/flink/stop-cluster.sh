#!/usr/bin/env bash
# Stops the cluster that start-cluster.sh started from the same work folder: SIGTERM to every
# process id it recorded, SIGKILL to any still alive after 15 seconds.
#
#   runners/flink/stop-cluster.sh [--work DIR]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$here/work"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    *) echo "stop-cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
pids="$work/pids"
[[ -f "$pids" ]] || { echo "stop-cluster.sh: no cluster recorded in $work" >&2; exit 0; }

alive=()
while read -r pid name; do
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    alive+=("$pid")
    echo "stop-cluster.sh: stopping $name (pid $pid)" >&2
  fi
done <"$pids"

for _ in $(seq 1 30); do
  still=()
  for pid in "${alive[@]}"; do
    kill -0 "$pid" 2>/dev/null && still+=("$pid")
  done
  [[ ${#still[@]} -eq 0 ]] && break
  alive=("${still[@]}")
  sleep 0.5
done
for pid in "${alive[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-cluster.sh: pid $pid ignored SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
: >"$pids"
echo "stop-cluster.sh: stopped" >&2
