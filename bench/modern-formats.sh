#!/usr/bin/env bash
# Bytes and encode time of imgbeam's WebP and AVIF against the reference encoders at matched
# score: for each photo, cwebp -q 75 and avifenc (defaults) encode it, their own decoders (dwebp,
# avifdec) decode it, imgbeam's SSIM scores it; then imgbeam's smallest quality whose SSIM is at
# least that score is found, and the bytes are compared. Totals and ratios at the end (goal:
# <= 1.00x), and the mean SSIM of JPEG, WebP and AVIF at imgbeam's default settings.
#
#   bench/modern-formats.sh [FOLDER]   (default: the sample photos under testdata/images)
#
# Installs Debian's webp and libavif-bin with apt-get when cwebp or avifenc is missing (root).
# Reference times are process wall time (start, PNG read, encode, write); imgbeam's are the
# in-process encode, best of three, one thread each (avifenc -j 1 is its default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cwebp:webp avifenc:libavif-bin; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    apt-get install -y -q "${tool#*:}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y -q "${tool#*:}" >/dev/null; }
  fi
done

if [ $# -gt 0 ]; then
  mapfile -t photos < <(find "$1" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \
    -o -iname '*.tif' -o -iname '*.tiff' -o -iname '*.bmp' \) | sort)
else
  images=testdata/images
  photos=("$images"/photo/*.jpg "$images"/orientation/upright.png "$images"/colour/*-reference.png
    "$images"/tiff/photo.tif "$images"/bmp/photo.bmp "$images"/png/opaque-rgba.png)
fi
[ ${#photos[@]} -gt 0 ] || { echo "no photos found" >&2; exit 1; }

mvn -B -q -pl codec -am test-compile >/dev/null
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
mvn -B -q -pl codec dependency:build-classpath -Dmdep.outputFile="$classpath" >/dev/null
java -Dimgbeam.root="$root" \
  -cp "codec/target/classes:codec/target/test-classes:$(cat "$classpath")" \
  io.imgbeam.codec.ModernFormatsBench "${photos[@]}"
