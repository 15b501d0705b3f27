#!/usr/bin/env bash
# Starts a real Apache Flink 1.19 session cluster on this machine: one JobManager and N
# TaskManagers, each in its own JVM, all bound to 127.0.0.1, from jars resolved by Maven
# (Flink's binary tarball is not on Maven Central; its jars are). Waits until every TaskManager
# has registered, then prints the REST address to pass as --flinkMaster as its last line.
#
#   runners/flink/start-cluster.sh [--taskmanagers N] [--slots S] [--tm-memory SIZE]
#                                  [--jm-memory SIZE] [--work DIR] [--java-opts 'FLAGS']
#                                  [--no-jvm-options]
#
# Defaults: 2 TaskManagers with 2 slots and 2048m each, a 1024m JobManager, work folder
# runners/flink/work (lib/, conf/, log/, pids). --java-opts: more JVM flags for every process,
# separated by spaces (for example -Dorg.bytedeco.javacpp.cachedir=DIR, where the job's native
# libraries are extracted). TaskManagers also get the JVM flags of the repository's jvm.options, as
# ./imgbeam does (JIT thresholds for the codec, the collector's marking threshold; Flink's own
# heap flags win over its heap lines); --no-jvm-options leaves them out. Stop it with
# stop-cluster.sh --work DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
taskmanagers=2
slots=2
tm_memory=2048m
jm_memory=1024m
work="$here/work"
java_opts=""
jvm_options_file="$here/../../jvm.options"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --taskmanagers) taskmanagers="$2"; shift 2 ;;
    --slots) slots="$2"; shift 2 ;;
    --tm-memory) tm_memory="$2"; shift 2 ;;
    --jm-memory) jm_memory="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    --no-jvm-options) jvm_options_file=""; shift ;;
    *) echo "start-cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || { echo "expected a count of at least 1 for --taskmanagers, got $taskmanagers" >&2; exit 2; }
[[ "$slots" =~ ^[1-9][0-9]*$ ]] || { echo "expected a count of at least 1 for --slots, got $slots" >&2; exit 2; }

mkdir -p "$work"
work="$(cd "$work" && pwd)"
lib="$work/lib"
conf="$work/conf"
log="$work/log"
pids="$work/pids"

if [[ -s "$pids" ]]; then
  while read -r pid _; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "start-cluster.sh: a cluster from $work is still running (pid $pid); stop it first" >&2
      exit 1
    fi
  done <"$pids"
fi
: >"$pids"
rm -rf "$log"
mkdir -p "$lib" "$conf" "$log"

# 1. Jars: Flink's runtime, client, web UI and log4j, copied once from the local Maven repository.
if [[ ! -f "$lib/.complete" ]]; then
  echo "start-cluster.sh: resolving Flink jars into $lib" >&2
  mvn -q -B -Dstyle.color=never -f "$here/cluster/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
  touch "$lib/.complete"
fi

# 2. Configuration: everything on loopback, ports chosen now so that several clusters can coexist.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "start-cluster.sh: no free port found" >&2
  return 1
}
rpc_port="$(free_port)"
rest_port="$(free_port)"

cat >"$conf/config.yaml" <<EOF
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: $jm_memory
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: $tm_memory
# Beam's batch jobs have many blocking exchanges, and each sort-shuffle partition reserves 512
# buffers by default, more than a small TaskManager has; sorting needs little managed memory.
taskmanager.memory.network.min: 256mb
taskmanager.memory.network.max: 256mb
taskmanager.network.sort-shuffle.min-buffers: 64
taskmanager.memory.managed.fraction: 0.2
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest_port
blob.server.port: 0
# A killed TaskManager is noticed in seconds, not the default 50 s.
heartbeat.interval: 2000
heartbeat.timeout: 10000
# Batch jobs restart from their last consistent point; the job also sets its own strategy.
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 6
restart-strategy.fixed-delay.delay: 10 s
# With parallelism 2 on two TaskManagers, each runs a share: a lost TaskManager is felt.
cluster.evenly-spread-out-slots: true
# No background network calls of its own.
web.submit.enable: false
EOF

cat >"$conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = false
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
# Beam's long operator names make Flink warn about every metric group name.
logger.metricgroup.name = org.apache.flink.metrics.MetricGroup
logger.metricgroup.level = ERROR
EOF

# 3. The memory flags Flink's own scripts compute (without them a TaskManager refuses to start).
resource_params() {
  local out
  out="$(java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$conf" 2>"$log/bash-java-utils.err")"
  echo "$out" | sed -n '/BASH_JAVA_UTILS_EXEC_RESULT:/{s/.*BASH_JAVA_UTILS_EXEC_RESULT://;p}'
}
mapfile -t jm_params < <(resource_params GET_JM_RESOURCE_PARAMS)
mapfile -t tm_params < <(resource_params GET_TM_RESOURCE_PARAMS)
if [[ ${#jm_params[@]} -lt 2 || ${#tm_params[@]} -lt 2 ]]; then
  echo "start-cluster.sh: could not compute memory settings; see $log/bash-java-utils.err" >&2
  exit 1
fi

# The flags ./imgbeam runs a job with, for the TaskManagers, which run the codec: one per line there.
tm_java_opts=""
if [[ -n "$jvm_options_file" ]]; then
  [[ -f "$jvm_options_file" ]] || { echo "start-cluster.sh: no $jvm_options_file (or pass --no-jvm-options)" >&2; exit 2; }
  tm_java_opts="$(grep -v -e '^#' -e '^[[:space:]]*$' "$jvm_options_file" | tr '\n' ' ')"
fi

start_process() {
  local name="$1" main="$2" jvm="$3" dynamic="$4" extra="${5:-}"
  # shellcheck disable=SC2086
  nohup java $jvm $extra $java_opts -Dlog.file="$log/$name.log" \
    -Dlog4j.configurationFile="file:$conf/log4j.properties" \
    -cp "$lib/*" "$main" --configDir "$conf" $dynamic \
    >"$log/$name.out" 2>&1 </dev/null &
  echo "$! $name" >>"$pids"
}

overview() {
  (exec 3<>"/dev/tcp/127.0.0.1/$rest_port" &&
    printf 'GET /overview HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
    cat <&3) 2>/dev/null || true
}

wait_for() {
  local what="$1" check="$2"
  for _ in $(seq 1 120); do
    if eval "$check"; then
      return 0
    fi
    while read -r pid name; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "start-cluster.sh: $name exited while waiting for $what; see $log/$name.log" >&2
        "$here/stop-cluster.sh" --work "$work" >&2 || true
        exit 1
      fi
    done <"$pids"
    sleep 0.5
  done
  echo "start-cluster.sh: timed out waiting for $what; logs in $log" >&2
  "$here/stop-cluster.sh" --work "$work" >&2 || true
  exit 1
}

start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  "${jm_params[0]}" "${jm_params[1]}"
wait_for "the JobManager's REST endpoint" '[[ "$(overview)" == *"\"taskmanagers\""* ]]'

for i in $(seq 1 "$taskmanagers"); do
  start_process "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "${tm_params[0]}" "${tm_params[1]}" "$tm_java_opts"
done
wait_for "$taskmanagers TaskManagers" \
  '[[ "$(overview)" == *"\"taskmanagers\":$taskmanagers,"* ]]'

echo "start-cluster.sh: Flink session cluster up: $taskmanagers TaskManagers x $slots slots" >&2
echo "start-cluster.sh: web UI http://127.0.0.1:$rest_port, logs in $log, pids in $pids" >&2
echo "127.0.0.1:$rest_port"
