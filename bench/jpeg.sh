#!/usr/bin/env bash
# imgbeam's JPEG against sharp's mozjpeg (quality 75, mozjpeg: true) and libjpeg-turbo's cjpeg
# (-optimize -progressive), scored with imgbeam's SSIMULACRA 2 after one and the same decoder:
#   (a) per photo, the score the reference reaches at q75 and imgbeam's bytes at that score
#       (its smallest quality reaching it); totals and the ratio imgbeam / reference;
#   (b) every photo at one floor (default SSIMULACRA2 >= 70): the lowest single reference quality
#       at which all pass, against imgbeam's per-photo smallest quality; ratio of totals;
# plus encode ms per photo of each, and imgbeam's ms per megapixel at each effort against the JDK
# writer. Runs from a clean checkout:
#
#   bench/jpeg.sh [FOLDER] [FLOOR]   (default: the sample photos under testdata/images, 70)
#   bench/jpeg.sh --calibrate        regenerates imgbeam's JPEG quality scale (JpegQualityScale)
#                                    from the sample photos and Debian's mate-backgrounds photos
#                                    (installed with apt-get when missing): writes
#                                    codec/src/main/resources/io/imgbeam/codec/jpeg-quality-scale.tsv
#
# Installs Debian's libjpeg-turbo-progs (cjpeg) with apt-get when missing (root) and sharp from
# npm into bench/.cache/sharp (Node.js 18+ must be on the PATH).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v cjpeg >/dev/null; then
  apt-get install -y -q libjpeg-turbo-progs >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q libjpeg-turbo-progs >/dev/null; }
fi
sharp_dir="$root/bench/.cache/sharp"
if [ ! -d "$sharp_dir/node_modules/sharp" ]; then
  mkdir -p "$sharp_dir"
  echo '{"private": true}' >"$sharp_dir/package.json"
  (cd "$sharp_dir" && npm install --silent --no-audit --no-fund sharp@0.35.5 >/dev/null)
fi

images=testdata/images
samples=("$images"/photo/*.jpg "$images"/orientation/upright.png "$images"/colour/*-reference.png
  "$images"/png/opaque-rgba.png "$images"/png/grey.png)
mode=()
scale="$root/codec/src/main/resources/io/imgbeam/codec/jpeg-quality-scale.tsv"
if [ "${1:-}" = "--calibrate" ]; then
  nature=/usr/share/backgrounds/mate/nature
  if [ ! -d "$nature" ]; then
    apt-get install -y -q mate-backgrounds >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y -q mate-backgrounds >/dev/null; }
  fi
  mapfile -t wallpapers < <(find "$nature" -type f -iname '*.jpg' | sort)
  photos=("${samples[@]}" "${wallpapers[@]}")
  mode=(--calibrate)
  shift
elif [ $# -gt 0 ] && [ -n "$1" ]; then
  mapfile -t photos < <(find "$1" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | sort)
else
  photos=("${samples[@]}")
fi
[ ${#photos[@]} -gt 0 ] || { echo "no photos found" >&2; exit 1; }

mvn -B -q -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
java -Dimgbeam.root="$root" -Dimgbeam.sharp="$sharp_dir" -Dimgbeam.floor="${2:-70}" \
  -Dimgbeam.scale="$scale" \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.JpegBench "${mode[@]}" "${photos[@]}"
