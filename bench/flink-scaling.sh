#!/usr/bin/env bash
# Throughput of the bundled job on a real Flink session cluster (2 TaskManagers x 1 slot) at
# parallelism 1 and 2, on N copies of the sample photos. Prints images/min and the ratio, and each
# TaskManager's CPU seconds for each job (how evenly the images were spread).
#
#   bench/flink-scaling.sh [N]     (default 400)
#   PHOTOS=DIR bench/flink-scaling.sh [N]   copies of DIR/*.jpg instead (for example
#                                  bench/.cache/photos, which bench/throughput.sh fetches)
#   TM_MEMORY=SIZE                 each TaskManager's process size (default 2048m)
#
# Wall time per job includes submission (uploading the ~160 MB jar to the cluster), so small N
# understates the steady-state rate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-400}"
work="$(mktemp -d)"
cleanup() {
  "$root/runners/flink/stop-cluster.sh" --work "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/imgbeam" --help >/dev/null # builds the bundled jar when it is missing or stale
jar="$root/pipeline/target/imgbeam-bundled.jar"

if [[ -n "${PHOTOS:-}" ]]; then
  photos=("$PHOTOS"/*.jpg)
  [[ -f "${photos[0]}" ]] || { echo "flink-scaling.sh: no *.jpg in $PHOTOS" >&2; exit 2; }
else
  photos=("$root"/testdata/images/photo/*.jpg "$root"/testdata/images/orientation/orientation-*.jpg)
fi
for i in $(seq 1 "$n"); do
  mkdir -p "$work/in/$((i % 10))"
  cp "${photos[$((i % ${#photos[@]}))]}" "$work/in/$((i % 10))/img-$i.jpg"
done

master="$("$root/runners/flink/start-cluster.sh" --taskmanagers 2 --slots 1 \
  --tm-memory "${TM_MEMORY:-2048m}" --work "$work/cluster" 2>/dev/null | tail -1)"

# CPU seconds (user + system) of each TaskManager so far, from /proc.
tm_cpu() {
  local pid name
  while read -r pid name; do
    if [[ "$name" == taskmanager-* ]]; then
      awk -v n="$name" -v t="$(getconf CLK_TCK)" '{ printf "%s %.1f\n", n, ($14 + $15) / t }' "/proc/$pid/stat"
    fi
  done <"$work/cluster/pids"
}

declare -A rate
for p in 1 2; do
  before="$(tm_cpu)"
  start=$(date +%s.%N)
  java -jar "$jar" --runner=FlinkRunner --flinkMaster="$master" --parallelism="$p" \
    --input="$work/in/**" --output="$work/out-$p" >"$work/job-$p.log" 2>&1 ||
    { cat "$work/job-$p.log"; exit 1; }
  end=$(date +%s.%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  rate[$p]=$(awk -v n="$n" -v s="$seconds" 'BEGIN { print n * 60 / s }')
  printf 'parallelism %d: %d images in %6.1f s = %7.1f images/min; TaskManagers'"'"' CPU s:%s\n' \
    "$p" "$n" "$seconds" "${rate[$p]}" \
    "$(join -j1 <(echo "$before") <(tm_cpu) | awk '{ printf " %s %.1f", $1, $3 - $2 }')"
done
printf 'speed-up 2 vs 1: %.2fx (machine: %s cores)\n' \
  "$(awk -v a="${rate[2]}" -v b="${rate[1]}" 'BEGIN { print a / b }')" "$(nproc)"
