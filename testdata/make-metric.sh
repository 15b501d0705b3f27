#!/usr/bin/env bash
# make-metric.sh -- regenerate the SSIMULACRA 2 fixtures: testdata/metric/*.png and
# testdata/metric/ssimulacra2-scores.tsv
#
# The distorted images are made from reference PNGs under testdata/images/ by Debian 12's
# python3-pil (JPEG through libjpeg-turbo, WebP through libwebp, Gaussian blur) and numpy
# (seeded noise), then decoded and stored as PNG, so that the Java test and the reference tool
# read exactly the same pixels. The scores come from libjxl's own `ssimulacra2` tool.
#
# Debian 12 (bookworm) ships libjxl 0.7.0, whose libjxl-devtools has no ssimulacra2 (only
# butteraugli_main and the older ssimulacra_main); Debian 13 (trixie) ships libjxl 0.11.2 with it.
# The script therefore fetches trixie's libjxl-devtools and the libraries it needs with
# `apt-get download` (a private apt state under a cache folder; nothing is installed and the
# system's sources are not touched), unpacks them there, and runs the tool through trixie's own
# dynamic loader. The tool's package name and version go into the fixture file.
#
# Debian packages needed: python3-pil, python3-numpy (bookworm), apt-get, dpkg-deb.
# Usage: bash testdata/make-metric.sh   (from anywhere; make-testdata.sh calls it)
#   SSIMULACRA2_CACHE=dir  where the trixie packages are kept (default ~/.cache/imgbeam-ssimulacra2)

set -euo pipefail

PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMG=$HERE/images
OUT=$HERE/metric
CACHE=${SSIMULACRA2_CACHE:-$HOME/.cache/imgbeam-ssimulacra2}
fail() { echo "make-metric.sh: $*" >&2; exit 1; }

for p in python3-pil python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || {
    [[ $(id -u) -eq 0 ]] || fail "not root: apt-get install -y $p"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p"
  }
done

# 1. The reference tool: trixie's ssimulacra2 with its libraries, unpacked under $CACHE.
ROOT=$CACHE/root
LIB=$ROOT/usr/lib/x86_64-linux-gnu
if [[ ! -x $ROOT/usr/bin/ssimulacra2 ]]; then
  mkdir -p "$CACHE/lists/partial" "$CACHE/archives/partial" "$CACHE/debs"
  : > "$CACHE/status"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
    > "$CACHE/sources.list"
  APT=(-o "Dir::Etc::SourceList=$CACHE/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o "Dir::State::Lists=$CACHE/lists" -o "Dir::Cache=$CACHE" -o "Dir::State::status=$CACHE/status")
  apt-get "${APT[@]}" update -q >/dev/null
  (cd "$CACHE/debs" && apt-get "${APT[@]}" download libjxl-devtools libjxl0.11 libgif7 libjpeg62-turbo \
      libpng16-16t64 libopenexr-3-1-30 libimath-3-1-29t64 libtcmalloc-minimal4t64 libhwy1t64 \
      libstdc++6 libgcc-s1 libc6 liblcms2-2 libbrotli1 zlib1g libdeflate0 2>/dev/null)
  rm -rf "$ROOT"
  for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$ROOT"; done
fi
TOOL_VERSION=$(for deb in "$CACHE"/debs/libjxl-devtools_*.deb; do dpkg-deb -f "$deb" Version; done)
[[ -n $TOOL_VERSION ]] || fail "no libjxl-devtools package in $CACHE/debs"
ssimulacra2() { "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB" "$ROOT/usr/bin/ssimulacra2" "$@"; }
same=$(ssimulacra2 "$IMG/orientation/upright.png" "$IMG/orientation/upright.png")
[[ $same == 100.00000000 ]] || fail "ssimulacra2 of an image against itself is $same, expected 100"

# 2. The distorted images.
rm -rf "$OUT"
mkdir -p "$OUT"
"$PY" - "$IMG" "$OUT" <<'EOF'
import io, sys
import numpy as np
from PIL import Image, ImageFilter

img, out = sys.argv[1], sys.argv[2]

def jpeg(im, q):
    buf = io.BytesIO()
    rgb = im.convert("L" if im.mode == "L" else "RGB")
    rgb.save(buf, "JPEG", quality=q)
    dec = Image.open(io.BytesIO(buf.getvalue()))
    dec.load()
    if im.mode == "RGBA":
        dec = dec.convert("RGB")
        dec.putalpha(im.getchannel("A"))
    return dec

def webp(im, q):
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=q, method=4)
    dec = Image.open(io.BytesIO(buf.getvalue()))
    dec.load()
    return dec.convert(im.mode)

def blur(im, r):
    return im.filter(ImageFilter.GaussianBlur(r))

def noise(im, sigma):
    a = np.asarray(im).astype(np.float64)
    rng = np.random.default_rng(20221)
    a = a + rng.normal(0, sigma, a.shape)
    return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), im.mode)

pairs = open(f"{out}/pairs.txt", "w")
cases = {
    "orientation/upright.png": [("jpeg15", jpeg, 15), ("jpeg40", jpeg, 40), ("jpeg75", jpeg, 75),
                                ("jpeg95", jpeg, 95), ("webp30", webp, 30), ("webp80", webp, 80),
                                ("blur1", blur, 1.0), ("blur2.5", blur, 2.5), ("noise6", noise, 6)],
    "png/opaque-rgba.png": [("jpeg50", jpeg, 50), ("webp60", webp, 60)],
    "png/grey.png": [("jpeg30", jpeg, 30), ("blur1.5", blur, 1.5)],
    "png/rgba.png": [("jpeg50", jpeg, 50), ("blur1", blur, 1.0)],
    "colour/adobergb-reference.png": [("jpeg60", jpeg, 60), ("noise3", noise, 3)],
}
for ref, distortions in cases.items():
    im = Image.open(f"{img}/{ref}")
    im.load()
    stem = ref.split("/")[-1][:-4]
    # The reference again, without the gAMA/cHRM chunks ImageMagick wrote: libjxl would read them
    # as a pure 2.2 gamma, while the distorted PNGs (and imgbeam) mean sRGB.
    im.save(f"{out}/{stem}-original.png", optimize=True)
    for name, fn, arg in distortions:
        d = fn(im, arg)
        assert d.size == im.size and d.mode == im.mode, (ref, name, d.mode)
        d.save(f"{out}/{stem}-{name}.png", optimize=True)
        print(f"{stem}-original.png\t{stem}-{name}.png", file=pairs)
pairs.close()
EOF

# 3. Scores.
{
  echo "# SSIMULACRA 2 scores by ssimulacra2 from Debian trixie libjxl-devtools $TOOL_VERSION (libjxl $(echo "$TOOL_VERSION" | cut -d- -f1)); made by testdata/make-metric.sh"
  printf 'reference\tdistorted\tscore\n'  # paths under testdata/
  while IFS=$'\t' read -r ref dist; do
    printf '%s\t%s\t%s\n' "metric/$ref" "metric/$dist" "$(ssimulacra2 "$OUT/$ref" "$OUT/$dist")"
  done < "$OUT/pairs.txt"
} > "$OUT/ssimulacra2-scores.tsv"
rm "$OUT/pairs.txt"
cat "$OUT/ssimulacra2-scores.tsv"

# 4. Manifest lines for metric/.
TAB=$'\t'
{
  grep -v '^metric/' "$HERE/MANIFEST.tsv" || true
  for f in "$OUT"/*.png; do
    name=$(basename "$f")
    echo "metric/$name${TAB}made by testdata/make-metric.sh from a PNG under images/: *-original.png is it re-saved by python3-pil 9.4 without gAMA/cHRM, the others a python3-pil JPEG/WebP round trip, Gaussian blur, or numpy seeded noise of it, decoded and stored as PNG${TAB}as the reference image's licence (see its line)${TAB}SSIMULACRA 2 against libjxl's ssimulacra2 scores"
  done
  echo "metric/ssimulacra2-scores.tsv${TAB}testdata/make-metric.sh: ssimulacra2 (Debian trixie libjxl-devtools $TOOL_VERSION) on each pair${TAB}scores: no copyright${TAB}reference scores for the SSIMULACRA 2 test"
} > "$HERE/MANIFEST.tsv.new"
mv "$HERE/MANIFEST.tsv.new" "$HERE/MANIFEST.tsv"
echo "done: $(($(wc -l < "$OUT/ssimulacra2-scores.tsv") - 2)) pairs in $OUT"
