#!/usr/bin/env bash
# Milliseconds per image of imgbeam's metrics (SSIM, SSIMULACRA 2) at 2 and 12 megapixels, next to
# the JPEG and WebP encodes of the same image, with the ratio metric/encode: what one score costs
# compared with the encode it checks (the --scoreMetric default and the --targetScore search, which
# scores every encode it tries, depend on it).
#
#   bench/metrics.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
java -Xmx4g -Dimgbeam.root="$root" \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.MetricBench
