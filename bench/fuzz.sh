#!/usr/bin/env bash
# Fuzzes the codec's decode path for MINUTES minutes (default 1) with a seeded mutation loop over
# testdata/images and testdata/hostile. Findings (crashes, hangs) go to codec/target/fuzz-findings/;
# the exit code is 1 when there are any. Usage: bench/fuzz.sh [MINUTES] [SEED]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes=${1:-1}
seed=${2:-$RANDOM$RANDOM}
mvn -B -q -Dstyle.color=never -pl codec test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/codec/target/fuzz.classpath" -Dmdep.includeScope=test >&2
exec java -Xmx512m -Dimgbeam.root="$PWD" -Dfuzz.findings=codec/target/fuzz-findings \
  -cp "codec/target/test-classes:codec/target/classes:$(cat codec/target/fuzz.classpath)" \
  io.imgbeam.codec.DecodeFuzzer "$((minutes * 60))" "$seed"
