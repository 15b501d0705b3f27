#!/usr/bin/env bash
# CPU milliseconds per megapixel of each per-image step of a JPEG-to-JPEG compression at the
# default quality, one thread (see CodecStepBench): the input's decode, the encode at effort 0 and
# 1, verification's decode and SSIM. For speed work on the codec itself; bench/throughput.sh gives
# the whole loop, the pipeline and sharp.
#
#   bench/codec-steps.sh [--md5] [ROUNDS] [JPEG...]
#
# Default photos: the throughput bench's (bench/.cache/photos, fetched by bench/throughput.sh),
# else the sample photos under testdata/images/photo; default 2 rounds after a warm-up. --md5 first
# prints every photo's encode MD5 at both efforts (compare before and after a change that must keep
# the output byte-identical).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
md5=()
if [ "${1:-}" = "--md5" ]; then
  md5=(--md5)
  shift
fi
rounds="${1:-2}"
shift || true
photos=("$@")
if [ ${#photos[@]} -eq 0 ]; then
  if compgen -G "bench/.cache/photos/*.jpg" >/dev/null; then
    photos=(bench/.cache/photos/*.jpg)
  else
    photos=(testdata/images/photo/*.jpg)
  fi
fi
mvn -B -q -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The JIT flags the ./imgbeam launcher runs the codec with (jvm.options).
java $(grep -v -e '^#' -e '^$' jvm.options | tr '\n' ' ') -Xmx6g \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.CodecStepBench "$rounds" "${md5[@]}" "${photos[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
