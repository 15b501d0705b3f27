#!/usr/bin/env bash
# make-testdata.sh -- regenerate imgbeam's test-image corpus in testdata/images/
#
# Every file under testdata/images/ is produced by this script from data that
# ships in Debian 12 packages (no downloads, no hand-made binaries).  Re-running
# it deletes testdata/images/ and rebuilds it (and testdata/MANIFEST.tsv) from
# scratch; the output is byte-for-byte reproducible with the same package
# versions.  The script also checks the properties each file is meant to have
# (JPEG marker layout, PNG colour type/bit depth, EXIF orientation rendering,
# ...) and exits non-zero if any check fails.
#
# Debian packages needed (installed with apt-get if missing and we are root):
#   imagemagick            /usr/bin/convert, identify, compare (IM 6.9, Q16)
#   libimage-exiftool-perl exiftool: EXIF/XMP/IPTC/COM writing
#   python3-skimage        source photos in /usr/lib/python3/dist-packages/skimage/data
#   python3-numpy          pixel maths in helper snippets
#   python3-pil            plain-CMYK (Adobe transform 0) JPEG encoding
#   webp                   cwebp
#   icc-profiles-free      /usr/share/color/icc/sRGB.icc, compatibleWithAdobeRGB1998.icc
#   libgs-common           /usr/share/color/icc/ghostscript/{default_cmyk,ps_cmyk}.icc
#   libtiff-tools          tiffinfo (verification of the TIFF)
#
# Tools are called by absolute path (/usr/bin/...) because /usr/local/bin may
# hold stand-ins, and `python3` on PATH may not be Debian's.
#
# Usage: bash testdata/make-testdata.sh   (from anywhere)

set -euo pipefail

PKGS=(imagemagick libimage-exiftool-perl python3-skimage python3-numpy python3-pil
      webp icc-profiles-free libgs-common libtiff-tools)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing missing packages: ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then echo "not root: run apt-get install -y ${missing[*]}" >&2; exit 1; fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

CONVERT=/usr/bin/convert
IDENTIFY=/usr/bin/identify
COMPARE=/usr/bin/compare
EXIFTOOL=/usr/bin/exiftool
PY=/usr/bin/python3
CWEBP=/usr/bin/cwebp
TIFFINFO=/usr/bin/tiffinfo
WEBPMUX=/usr/bin/webpmux
[[ $("$CONVERT" -version) == *ImageMagick* ]] || { echo "$CONVERT is not ImageMagick" >&2; exit 1; }

SK=/usr/lib/python3/dist-packages/skimage/data
ICC=/usr/share/color/icc
SRGB_ICC=$ICC/sRGB.icc                              # icc-profiles-free
ADOBE_ICC=$ICC/compatibleWithAdobeRGB1998.icc      # icc-profiles-free
CMYK_ICC=$ICC/ghostscript/default_cmyk.icc          # libgs-common ("Artifex CMYK SWOP Profile", 187 KB)
CMYK_SMALL_ICC=$ICC/ghostscript/ps_cmyk.icc         # libgs-common ("Artifex PS CMYK Profile", 5 KB)
for f in "$SK"/{coffee.png,astronaut.png,chelsea.png,rocket.jpg,camera.png,logo.png,hubble_deep_field.jpg} \
         "$SRGB_ICC" "$ADOBE_ICC" "$CMYK_ICC" "$CMYK_SMALL_ICC"; do
  [[ -f $f ]] || { echo "missing source file $f" >&2; exit 1; }
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/images
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rm -rf "$OUT"
mkdir -p "$OUT"/{photo,orientation,colour,png,gif,webp,tiff,bmp,bad,privacy}

fail() { echo "CHECK FAILED: $*" >&2; exit 1; }
ok()   { echo "ok: $*"; }
# normalised RMSE (0..1) between two images; compare exits 1 when they differ, so ignore its status
rmse() {
  local r; r=$({ "$COMPARE" -metric RMSE "$1" "$2" null: 2>&1 || true; } | sed -n 's/.*(\(.*\)).*/\1/p')
  [[ $r =~ ^[0-9.e-]+$ ]] || fail "compare $1 $2 gave no RMSE"
  echo "$r"
}
# PNG writes without tIME or any text chunks (IM would otherwise add date:* and
# stale icc:description/icc:copyright tEXt), so output is clean and reproducible
PNGOPT=(+set date:create +set date:modify -define png:exclude-chunk=date,time,tEXt,zTXt,iTXt)

# ---------------------------------------------------------------- sources
# Colour sources: convert from their embedded profile (rocket.jpg carries Adobe
# RGB (1998); astronaut/chelsea/hubble carry sRGB; coffee none) to sRGB, then
# strip all metadata, so every derived file starts from plain untagged sRGB.
# (-quiet: hubble_deep_field.jpg carries slightly malformed XMP that IM warns about; it is stripped anyway)
for s in coffee.png astronaut.png chelsea.png rocket.jpg hubble_deep_field.jpg; do
  "$CONVERT" -quiet "$SK/$s" -profile "$SRGB_ICC" -strip "${PNGOPT[@]}" "PNG24:$TMP/${s%.*}.png"
done
"$CONVERT" "$SK/camera.png" -strip "${PNGOPT[@]}" "$TMP/camera.png"
"$CONVERT" "$SK/logo.png"   -strip "${PNGOPT[@]}" "PNG32:$TMP/logo.png"

# PNG chunk inspector used by several checks: prints "type length" lines and,
# for IHDR, "IHDR w h bitdepth colourtype".
cat > "$TMP/pngchunks.py" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
p = 8
while p < len(d):
    n, t = struct.unpack('>I4s', d[p:p+8]); body = d[p+8:p+8+n]
    crc, = struct.unpack('>I', d[p+8+n:p+12+n])
    assert crc == zlib.crc32(t + body), 'bad CRC in ' + t.decode()
    if t == b'IHDR':
        w, h, bd, ct = struct.unpack('>IIBB', body[:10]); print('IHDR', w, h, bd, ct)
    else:
        print(t.decode(), n)
    p += 12 + n
EOF
png_ihdr() { "$PY" "$TMP/pngchunks.py" "$1" | awk '$1=="IHDR"{print $4, $5}'; }   # -> "bitdepth colourtype"
expect_png() {  # file bitdepth colourtype
  local got; got=$(png_ihdr "$1"); [[ $got == "$2 $3" ]] || fail "$1: IHDR bitdepth/colourtype '$got', want '$2 $3'"
  ok "$(basename "$1"): PNG bit depth $2, colour type $3"
}

# ---------------------------------------------------------------- photo/
# coffee.jpg: baseline JFIF JPEG, quality 92, 4:2:0, 600x400 (native size)
"$CONVERT" "$TMP/coffee.png" -sampling-factor 2x2,1x1,1x1 -interlace none -quality 92 "$OUT/photo/coffee.jpg"
f=$OUT/photo/coffee.jpg
[[ $("$EXIFTOOL" -s3 -JFIFVersion "$f") == 1.01 ]]                 || fail "$f has no JFIF APP0"
[[ $("$EXIFTOOL" -s3 -n -YCbCrSubSampling "$f") == "2 2" ]]       || fail "$f is not 4:2:0"
[[ $("$EXIFTOOL" -s3 -EncodingProcess "$f") == Baseline* ]]       || fail "$f is not baseline"
[[ $("$IDENTIFY" -format %Q "$f") == 92 ]]                         || fail "$f quality is not 92"
"$CONVERT" "$f" -quality 80 "$TMP/coffee-q80.jpg"
(( $(stat -c %s "$TMP/coffee-q80.jpg") < $(stat -c %s "$f") ))     || fail "re-encoding $f at q80 is not smaller"
ok "coffee.jpg: JFIF, baseline, 4:2:0, q92; q80 re-encode $(stat -c %s "$TMP/coffee-q80.jpg") < $(stat -c %s "$f") bytes"

# astronaut-gps.jpg: 400x400 JPEG loaded with privacy-relevant metadata.
# All metadata values are invented test values (the photo is NASA's).
"$CONVERT" "$TMP/astronaut.png" -resize 400x400 -sampling-factor 2x2,1x1,1x1 -quality 90 "$TMP/astro.jpg"
"$CONVERT" "$TMP/astronaut.png" -resize 160x160 -sampling-factor 2x2,1x1,1x1 -quality 75 "$TMP/astro-thumb.jpg"
f=$OUT/photo/astronaut-gps.jpg
cp "$TMP/astro.jpg" "$f"
"$EXIFTOOL" -q -overwrite_original \
  -EXIF:Make="ExampleCam" -EXIF:Model="EC-1 Mark II" -EXIF:ColorSpace=sRGB \
  -EXIF:Artist="Jane Example" -EXIF:Copyright="Photo: NASA, public domain. Metadata: imgbeam test values" \
  -EXIF:ImageDescription="Astronaut portrait with synthetic private metadata" \
  -EXIF:DateTimeOriginal="1995:02:03 05:22:04" -EXIF:CreateDate="1995:02:03 05:22:04" \
  -EXIF:SerialNumber="BODY-SN-0042" -EXIF:LensSerialNumber="LENS-SN-7731" -EXIF:OwnerName="Jane Example" \
  -EXIF:UserComment="UserComment: private note, must be stripped" \
  -EXIF:GPSVersionID="2 3 0 0" \
  -EXIF:GPSLatitude=28.573255 -EXIF:GPSLatitudeRef=N \
  -EXIF:GPSLongitude=80.646895 -EXIF:GPSLongitudeRef=W \
  -EXIF:GPSAltitude=3.2 -EXIF:GPSAltitudeRef="Above Sea Level" \
  -EXIF:GPSDateStamp="1995:02:03" -EXIF:GPSTimeStamp="05:22:04" \
  "-ThumbnailImage<=$TMP/astro-thumb.jpg" \
  -XMP-dc:Creator="Jane Example" -XMP-dc:Rights="Public domain (NASA)" \
  -XMP-photoshop:City="Cape Canaveral" -XMP-photoshop:State="Florida" -XMP-photoshop:Country="United States" \
  -XMP-iptcCore:Location="Kennedy Space Center, Launch Complex 39A" -XMP-iptcCore:CountryCode="US" \
  -XMP-exif:GPSLatitude="28.573255 N" -XMP-exif:GPSLongitude="80.646895 W" \
  -IPTC:CodedCharacterSet=UTF8 -IPTC:By-line="Jane Example" -IPTC:City="Cape Canaveral" \
  -IPTC:Sub-location="Kennedy Space Center" -IPTC:Country-PrimaryLocationName="United States" \
  -IPTC:Keywords=astronaut -IPTC:Keywords=NASA -IPTC:Keywords="imgbeam test" \
  -Comment="JPEG COM segment: private comment, must be stripped" \
  "$f"
for t in EXIF:GPSLatitude EXIF:GPSLongitude EXIF:GPSAltitude EXIF:Make EXIF:Model EXIF:SerialNumber \
         EXIF:LensSerialNumber EXIF:OwnerName EXIF:Artist EXIF:Copyright EXIF:DateTimeOriginal \
         EXIF:UserComment EXIF:ThumbnailImage XMP-dc:Creator XMP-photoshop:City XMP-iptcCore:Location \
         IPTC:By-line IPTC:City IPTC:Keywords File:Comment; do
  [[ -n $("$EXIFTOOL" -s3 "-$t" "$f") ]] || fail "$f lacks $t"
done
"$EXIFTOOL" -b -ThumbnailImage "$f" | "$IDENTIFY" - >/dev/null || fail "$f thumbnail does not decode"
ok "astronaut-gps.jpg: EXIF GPS/serials/owner/thumbnail, XMP, IPTC, COM all present"

# ---------------------------------------------------------------- orientation/
# upright: chelsea.png 451x300 -> native-resolution crop 300x200+0+100 (one eye top
# centre, nose lower right: asymmetric both ways, so every flip/rotation is visible)
"$CONVERT" "$TMP/chelsea.png" -crop 300x200+0+100 +repage "${PNGOPT[@]}" "PNG24:$OUT/orientation/upright.png"
# stored pixels = INVERSE of the transform a viewer applies for orientation N
declare -A INV=([1]="" [2]="-flop" [3]="-rotate 180" [4]="-flip" [5]="-transpose" \
                [6]="-rotate 270" [7]="-transverse" [8]="-rotate 90")
for n in 1 2 3 4 5 6 7 8; do
  f=$OUT/orientation/orientation-$n.jpg
  # shellcheck disable=SC2086
  "$CONVERT" "$OUT/orientation/upright.png" ${INV[$n]} -sampling-factor 2x2,1x1,1x1 -quality 92 "$f"
  "$EXIFTOOL" -q -overwrite_original -n -EXIF:Orientation=$n "$f"
done
# check: applying the tag must give back the upright picture for every N,
# and (N>1) the stored pixels must really differ from upright
"$CONVERT" "$OUT/orientation/orientation-1.jpg" -auto-orient "$TMP/o1.png"
for n in 1 2 3 4 5 6 7 8; do
  f=$OUT/orientation/orientation-$n.jpg
  [[ $("$EXIFTOOL" -s3 -n -Orientation "$f") == "$n" ]] || fail "$f Orientation tag is not $n"
  "$CONVERT" "$f" -auto-orient "$TMP/o$n.png"
  [[ $("$IDENTIFY" -format %wx%h "$TMP/o$n.png") == 300x200 ]] || fail "$f auto-orients to wrong size"
  e1=$(rmse "$TMP/o$n.png" "$TMP/o1.png")
  eu=$(rmse "$TMP/o$n.png" "$OUT/orientation/upright.png")
  awk -v a="$e1" -v b="$eu" 'BEGIN{exit !(a < 0.02 && b < 0.02)}' || fail "$f auto-oriented differs from upright (RMSE vs o1 $e1, vs upright $eu)"
  if ((n > 1)); then
    "$CONVERT" "$f" "$TMP/raw$n.png"   # no auto-orient
    if [[ $("$IDENTIFY" -format %wx%h "$TMP/raw$n.png") == 300x200 ]]; then
      er=$(rmse "$TMP/raw$n.png" "$OUT/orientation/upright.png")
      awk -v a="$er" 'BEGIN{exit !(a > 0.05)}' || fail "$f stored pixels look upright already (RMSE $er)"
    fi
  fi
  ok "orientation-$n.jpg: auto-orient RMSE vs orientation-1 = $e1, vs upright.png = $eu"
done

# ---------------------------------------------------------------- colour/
# CMYK pixels: rocket (sRGB) -> ImageMagick -profile sRGB -> -profile Artifex SWOP CMYK
"$CONVERT" "$TMP/rocket.png" -resize 320x -profile "$SRGB_ICC" -profile "$CMYK_ICC" -compress none "$TMP/rocket-cmyk.tif"
# cmyk.jpg: ImageMagick 6 always writes 4-component JPEGs as YCCK (Adobe
# transform 2), so the plain-CMYK (Adobe transform 0) JPEG is encoded from IM's
# CMYK pixels by Pillow (which writes Adobe-inverted CMYK + APP14 transform 0)
# with the same ICC profile (187 KB, i.e. split over 3 APP2 segments).
"$PY" - "$TMP/rocket-cmyk.tif" "$OUT/colour/cmyk.jpg" <<'EOF'
import sys
from PIL import Image
im = Image.open(sys.argv[1]); assert im.mode == 'CMYK'
im.save(sys.argv[2], quality=90, subsampling=0, icc_profile=im.info['icc_profile'])
EOF
"$CONVERT" "$OUT/colour/cmyk.jpg" -profile "$SRGB_ICC" -strip "${PNGOPT[@]}" "PNG24:$OUT/colour/cmyk-reference.png"
# ycck.jpg: ImageMagick's own CMYK JPEG writer (YCCK, Adobe transform 2), with the SWOP profile.
# (The small ps_cmyk.icc is not used: Java's LCMS refuses to load it, so no Java reader can honour it.)
"$CONVERT" "$TMP/rocket.png" -resize 320x -profile "$SRGB_ICC" -profile "$CMYK_ICC" -quality 90 "$OUT/colour/ycck.jpg"
"$CONVERT" "$OUT/colour/ycck.jpg" -profile "$SRGB_ICC" -strip "${PNGOPT[@]}" "PNG24:$OUT/colour/ycck-reference.png"
adobe_transform() { "$PY" -c '
import sys; d=open(sys.argv[1],"rb").read(); i=d.find(b"\xff\xee\x00\x0eAdobe")
print(d[i+15] if i>=0 else "none")' "$1"; }
icc_segments() { "$PY" -c '
import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\xff\xe2") and d.count(b"ICC_PROFILE\x00"))' "$1"; }
for pair in "cmyk.jpg 0 Artifex CMYK SWOP Profile" "ycck.jpg 2 Artifex CMYK SWOP Profile"; do
  read -r name tr desc <<<"$pair"; f=$OUT/colour/$name
  [[ $(adobe_transform "$f") == "$tr" ]]                     || fail "$f Adobe APP14 transform is $(adobe_transform "$f"), want $tr"
  [[ $("$EXIFTOOL" -s3 -ColorComponents "$f") == 4 ]]         || fail "$f is not 4-component"
  [[ $("$EXIFTOOL" -s3 -ICC_Profile:ColorSpaceData "$f") == CMYK* ]] || fail "$f has no CMYK ICC profile"
  [[ $("$EXIFTOOL" -s3 -ProfileDescription "$f") == "$desc" ]] || fail "$f profile is not $desc"
  ok "$name: 4 components, Adobe APP14 transform=$tr, ICC '$desc' in $(icc_segments "$f") APP2 segment(s)"
done
e=$(rmse "$OUT/colour/cmyk-reference.png" "$OUT/colour/ycck-reference.png")
awk -v a="$e" 'BEGIN{exit !(a < 0.05)}' || fail "cmyk and ycck references disagree (RMSE $e)"
ok "cmyk-reference.png vs ycck-reference.png RMSE $e (same photo via two CMYK profiles/encodings)"

# adobergb.jpg: astronaut converted sRGB -> Adobe RGB (1998)-compatible, profile embedded
"$CONVERT" "$TMP/astronaut.png" -resize 320x320 -profile "$SRGB_ICC" -profile "$ADOBE_ICC" \
  -sampling-factor 2x2,1x1,1x1 -quality 92 "$OUT/colour/adobergb.jpg"
"$CONVERT" "$OUT/colour/adobergb.jpg" -profile "$SRGB_ICC" -strip "${PNGOPT[@]}" "PNG24:$OUT/colour/adobergb-reference.png"
f=$OUT/colour/adobergb.jpg
[[ $("$EXIFTOOL" -s3 -ProfileDescription "$f") == "Compatible with Adobe RGB (1998)" ]] || fail "$f lacks Adobe RGB profile"
# the raw (unmanaged) pixels must differ visibly from the sRGB reference, i.e. really converted
"$CONVERT" "$f" -strip "$TMP/adobe-raw.png"
e=$(rmse "$TMP/adobe-raw.png" "$OUT/colour/adobergb-reference.png")
awk -v a="$e" 'BEGIN{exit !(a > 0.01)}' || fail "$f pixels look unconverted (RMSE $e)"
ok "adobergb.jpg: Adobe RGB profile embedded; unmanaged vs reference RMSE $e"

# ---------------------------------------------------------------- png/
# rgba.png: chelsea 300x200 with a soft (blurred) elliptical alpha mask
"$CONVERT" "$OUT/orientation/upright.png" \
  \( -size 300x200 xc:black -fill white -draw "ellipse 150,100 125,80 0,360" -blur 0x10 \) \
  -alpha off -compose CopyOpacity -composite "${PNGOPT[@]}" "PNG32:$OUT/png/rgba.png"
# opaque-rgba.png: coffee 300x200 stored as RGBA with every alpha = 255
"$CONVERT" "$TMP/coffee.png" -resize 300x200 -alpha set -alpha opaque "${PNGOPT[@]}" "PNG32:$OUT/png/opaque-rgba.png"
# palette.png: rocket 320x213 quantised to <=256 colours (ImageMagick PNG8)
"$CONVERT" "$TMP/rocket.png" -resize 320x -dither FloydSteinberg -colors 256 "${PNGOPT[@]}" "PNG8:$OUT/png/palette.png"
# grey.png: camera 320x320, 8-bit greyscale
"$CONVERT" "$TMP/camera.png" -resize 320x320 -colorspace Gray -depth 8 -define png:color-type=0 -define png:bit-depth=8 \
  "${PNGOPT[@]}" "$OUT/png/grey.png"
# grey-as-rgb.png: coffee 300x200 turned grey, stored as 8-bit RGB (R=G=B)
"$CONVERT" "$TMP/coffee.png" -resize 300x200 -colorspace Gray -colorspace sRGB -type TrueColor "${PNGOPT[@]}" "PNG24:$OUT/png/grey-as-rgb.png"

# 16-bit PNGs with genuine 16-bit precision: box-downsampling real 8-bit photos
# keeps the fractional means (v16 = round(mean8 * 257)), so the low byte carries
# real information (values are not multiples of 257).
#  grey16: rocket, Rec.709 luma computed in float, 2x2 box mean -> 320x213
#  rgb16 : Hubble deep field, 4x4 box mean per channel      -> 250x218
"$PY" - "$TMP/rocket.png" "$TMP/hubble_deep_field.png" "$TMP" <<'EOF'
import sys, numpy as np
from PIL import Image
rocket = np.asarray(Image.open(sys.argv[1]).convert('RGB'), dtype=np.float64)
hubble = np.asarray(Image.open(sys.argv[2]).convert('RGB'), dtype=np.float64)
def box(a, k):
    h, w = a.shape[0] // k * k, a.shape[1] // k * k
    a = a[:h, :w]
    return a.reshape(h // k, k, w // k, k, *a.shape[2:]).mean(axis=(1, 3))
luma = rocket @ np.array([0.2126, 0.7152, 0.0722])
g16 = np.rint(box(luma, 2) * 257).astype('>u2')
c16 = np.rint(box(hubble, 4) * 257).astype('>u2')
for name, a in (('grey16', g16), ('rgb16', c16)):
    frac = np.mean(a.astype(np.int64) % 257 != 0)
    assert frac > 0.5, (name, frac)
    open(f'{sys.argv[3]}/{name}.raw', 'wb').write(a.tobytes())
    open(f'{sys.argv[3]}/{name}.size', 'w').write(f'{a.shape[1]}x{a.shape[0]}')
    print(f'{name}: {a.shape[1]}x{a.shape[0]}, {frac:.0%} of samples are not multiples of 257')
EOF
"$CONVERT" -size "$(cat "$TMP/grey16.size")" -depth 16 -endian MSB "gray:$TMP/grey16.raw" \
  -define png:bit-depth=16 -define png:color-type=0 "${PNGOPT[@]}" "$OUT/png/grey16.png"
"$CONVERT" -size "$(cat "$TMP/rgb16.size")" -depth 16 -endian MSB "rgb:$TMP/rgb16.raw" \
  -define png:bit-depth=16 -define png:color-type=2 "${PNGOPT[@]}" "$OUT/png/rgb16.png"
# round-trip: the PNGs must hold exactly the computed 16-bit samples
"$CONVERT" "$OUT/png/grey16.png" -depth 16 -endian MSB "gray:$TMP/grey16.back"
"$CONVERT" "$OUT/png/rgb16.png"  -depth 16 -endian MSB "rgb:$TMP/rgb16.back"
cmp -s "$TMP/grey16.raw" "$TMP/grey16.back" || fail "grey16.png does not hold the computed samples"
cmp -s "$TMP/rgb16.raw"  "$TMP/rgb16.back"  || fail "rgb16.png does not hold the computed samples"

# text-chunks.png: rocket 300x200 RGB + tEXt/zTXt/iTXt/tIME written here, then
# XMP (iTXt XML:com.adobe.xmp) and eXIf with GPS added by exiftool
"$CONVERT" "$TMP/rocket.png" -resize 300x200! "${PNGOPT[@]}" "PNG24:$TMP/text-base.png"
"$PY" - "$TMP/text-base.png" "$TMP/text-1.png" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
def chunk(t, body): return struct.pack('>I', len(body)) + t + body + struct.pack('>I', zlib.crc32(t + body))
extra = (
    chunk(b'tEXt', b'Author\x00Jane Example (imgbeam test metadata)') +
    chunk(b'tEXt', b'Comment\x00Plain tEXt comment: private, must be stripped') +
    chunk(b'zTXt', b'Description\x00\x00' + zlib.compress(
        b'zTXt (deflate-compressed) description of a SpaceX Falcon 9 launch photo. ' * 4, 9)) +
    chunk(b'iTXt', b'Title\x00\x00\x00de\x00Titel\x00' + 'Raketenstart (iTXt, UTF-8: \u00e4\u00f6\u00fc\u00df)'.encode()) +
    chunk(b'tIME', struct.pack('>HBBBBB', 2015, 2, 11, 23, 3, 42)))
i = d.index(b'IDAT') - 4          # insert before the first IDAT
open(sys.argv[2], 'wb').write(d[:i] + extra + d[i:])
EOF
f=$OUT/png/text-chunks.png
cp "$TMP/text-1.png" "$f"
"$EXIFTOOL" -q -overwrite_original \
  -XMP-dc:Creator="Jane Example" -XMP-dc:Title="Falcon 9 / DSCOVR launch" -XMP-photoshop:City="Cape Canaveral" \
  -EXIF:Artist="Jane Example" -EXIF:Make="ExampleCam" -EXIF:Model="EC-1 Mark II" -EXIF:ColorSpace=sRGB \
  -EXIF:DateTimeOriginal="2015:02:11 23:03:42" \
  -EXIF:GPSLatitude=28.562106 -EXIF:GPSLatitudeRef=N -EXIF:GPSLongitude=80.577180 -EXIF:GPSLongitudeRef=W \
  -EXIF:GPSAltitude=4 -EXIF:GPSAltitudeRef="Above Sea Level" \
  "$f"
chunks=$("$PY" "$TMP/pngchunks.py" "$f")
for c in tEXt zTXt iTXt tIME eXIf; do grep -q "^$c " <<<"$chunks" || fail "$f lacks a $c chunk"; done
"$PY" - "$f" <<'EOF' || fail "$f text chunk content check"
import sys
d = open(sys.argv[1], 'rb').read()
for needle in (b'tEXtAuthor\x00', b'tEXtComment\x00', b'zTXtDescription\x00\x00', b'iTXtTitle\x00', b'iTXtXML:com.adobe.xmp\x00'):
    assert needle in d, needle
assert d.index(b'eXIf') < d.index(b'IDAT') and d.index(b'tEXt') < d.index(b'IDAT')
EOF
[[ -n $("$EXIFTOOL" -s3 -EXIF:GPSLatitude "$f") ]] || fail "$f eXIf has no GPS"
ok "text-chunks.png: tEXt(Author,Comment) zTXt iTXt(lang=de) iTXt(XMP) tIME eXIf(GPS) present"

expect_png "$OUT/png/rgba.png" 8 6
expect_png "$OUT/png/opaque-rgba.png" 8 6
expect_png "$OUT/png/palette.png" 8 3
expect_png "$OUT/png/grey.png" 8 0
expect_png "$OUT/png/grey16.png" 16 0
expect_png "$OUT/png/rgb16.png" 16 2
expect_png "$OUT/png/grey-as-rgb.png" 8 2
expect_png "$OUT/png/text-chunks.png" 8 2
expect_png "$OUT/orientation/upright.png" 8 2
for f in cmyk-reference ycck-reference adobergb-reference; do expect_png "$OUT/colour/$f.png" 8 2; done
"$PY" - "$OUT/png" <<'EOF' || fail "png pixel checks"
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
a = np.asarray(Image.open(f'{d}/rgba.png'))[..., 3]
partial = np.mean((a > 0) & (a < 255)); assert a.min() == 0 and a.max() == 255 and partial > 0.05, partial
b = np.asarray(Image.open(f'{d}/opaque-rgba.png')); assert b.shape[2] == 4 and (b[..., 3] == 255).all()
g = np.asarray(Image.open(f'{d}/grey-as-rgb.png')).astype(int)
assert g.shape[2] == 3 and (g[..., 0] == g[..., 1]).all() and (g[..., 1] == g[..., 2]).all() and g.std() > 20
p = Image.open(f'{d}/palette.png'); assert p.mode == 'P' and len(p.getcolors(256)) > 64
print(f'ok: rgba.png {partial:.0%} partially transparent pixels; opaque-rgba.png all alpha 255; '
      f'grey-as-rgb.png R=G=B; palette.png {len(p.getcolors(256))} colours used')
EOF

# ---------------------------------------------------------------- gif/
"$CONVERT" "$TMP/coffee.png" -resize 300x200 -dither FloydSteinberg -colors 256 "$OUT/gif/static.gif"
# animated.gif: 4 frames panning across chelsea (120x80 each), 0.4 s/frame,
# looping, one GIF comment extension, frame-optimised (sub-rectangles)
for i in 0 1 2 3; do
  "$CONVERT" "$TMP/chelsea.png" -crop 300x200+$((i * 50))+$((i * 30)) +repage -resize 120x80! "$TMP/frame$i.png"
done
"$CONVERT" -delay 40 -loop 0 \( "$TMP/frame0.png" -set comment "imgbeam test: animated GIF comment extension" \) \
  "$TMP/frame1.png" "$TMP/frame2.png" "$TMP/frame3.png" -layers Optimize "$OUT/gif/animated.gif"
[[ $("$IDENTIFY" "$OUT/gif/static.gif" | wc -l) == 1 ]]   || fail "static.gif is not single-frame"
[[ $("$IDENTIFY" "$OUT/gif/animated.gif" | wc -l) == 4 ]] || fail "animated.gif does not have 4 frames"
grep -q 'imgbeam test: animated GIF comment' "$OUT/gif/animated.gif" || fail "animated.gif lacks comment"
"$PY" -c 'import sys; d=open(sys.argv[1],"rb").read(); assert b"\x21\xfe" in d and b"NETSCAPE2.0" in d' "$OUT/gif/animated.gif" \
  || fail "animated.gif lacks comment extension or loop extension"
ok "gif: static 1 frame, animated 4 frames + comment extension + NETSCAPE2.0 loop"

# ---------------------------------------------------------------- webp/
"$CONVERT" "$TMP/astronaut.png" -resize 320x320 "${PNGOPT[@]}" "$TMP/astro320.png"
"$CWEBP" -quiet -q 80 "$TMP/astro320.png" -o "$OUT/webp/lossy.webp"
"$CONVERT" "$TMP/logo.png" -resize 250x250 "${PNGOPT[@]}" "PNG32:$TMP/logo250.png"
"$CWEBP" -quiet -lossless "$TMP/logo250.png" -o "$OUT/webp/lossless.webp"
"$PY" - "$OUT/webp" <<'EOF' || fail "webp checks"
import sys
d = sys.argv[1]
a = open(f'{d}/lossy.webp', 'rb').read(); b = open(f'{d}/lossless.webp', 'rb').read()
assert a[:4] == b'RIFF' and a[8:12] == b'WEBP' and b'VP8 ' in a[12:40], 'lossy.webp is not VP8'
assert b[:4] == b'RIFF' and b[8:12] == b'WEBP' and b'VP8L' in b[12:40], 'lossless.webp is not VP8L'
print('ok: lossy.webp is VP8, lossless.webp is VP8L')
EOF

# ---------------------------------------------------------------- tiff/ bmp/
"$CONVERT" "$TMP/rocket.png" -resize 256x -type TrueColor -compress LZW +set date:create +set date:modify "$OUT/tiff/photo.tif"
[[ $("$TIFFINFO" "$OUT/tiff/photo.tif" 2>/dev/null) == *"Compression Scheme: LZW"* ]] || fail "photo.tif is not LZW"
"$CONVERT" "$TMP/coffee.png" -resize 256x -alpha off -type TrueColor "BMP3:$OUT/bmp/photo.bmp"
"$PY" -c 'import sys,struct; d=open(sys.argv[1],"rb").read(); assert d[:2]==b"BM" and struct.unpack("<H",d[28:30])[0]==24' \
  "$OUT/bmp/photo.bmp" || fail "photo.bmp is not 24-bit"
ok "photo.tif LZW, photo.bmp 24-bit"

# ---------------------------------------------------------------- bad/
: > "$OUT/bad/empty.jpg"
"$PY" - "$OUT" <<'EOF'
import struct, sys, zlib
o = sys.argv[1]
# truncated.jpg: first 40 % of photo/coffee.jpg
j = open(f'{o}/photo/coffee.jpg', 'rb').read()
open(f'{o}/bad/truncated.jpg', 'wb').write(j[:len(j) * 40 // 100])
# truncated.png: orientation/upright.png cut in the middle of its first IDAT's data
p = open(f'{o}/orientation/upright.png', 'rb').read()
i = p.index(b'IDAT'); n, = struct.unpack('>I', p[i-4:i])
open(f'{o}/bad/truncated.png', 'wb').write(p[:i + 4 + n // 2])
# huge-header.png: well-formed PNG (valid CRCs) whose IHDR claims 60000x60000 8-bit grey;
# its IDAT holds only 4 zero scanlines (about 250 bytes of deflate)
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
W = H = 60000
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 0, 0, 0, 0)) +
       chunk(b'IDAT', zlib.compress(b'\x00' * ((W + 1) * 4), 9)) + chunk(b'IEND', b''))
open(f'{o}/bad/huge-header.png', 'wb').write(png)
EOF
printf '%s\n' "This is not an image." \
  "It is a plain ASCII text file named .jpg, used to check that imgbeam rejects" \
  "input by content (magic bytes), not by file extension." > "$OUT/bad/not-an-image.jpg"
# huge-header.jpg: a real 48x32 baseline JPEG of coffee whose SOF0 height/width are patched to 60000
"$CONVERT" "$TMP/coffee.png" -resize 48x32 -quality 75 "$TMP/tiny.jpg"
"$PY" - "$TMP/tiny.jpg" "$OUT/bad/huge-header.jpg" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
p = 2
while True:                               # walk the marker segments to SOF0
    assert d[p] == 0xFF; m = d[p + 1]; n, = struct.unpack('>H', d[p + 2:p + 4])
    if m == 0xC0: break
    assert m not in (0xC1, 0xC2, 0xDA), 'no SOF0 before SOS'
    p += 2 + n
d[p + 5:p + 9] = struct.pack('>HH', 60000, 60000)   # SOF0: len(2) P(1) Y(2) X(2)
open(sys.argv[2], 'wb').write(d)
EOF
[[ ! -s $OUT/bad/empty.jpg ]] || fail "empty.jpg not empty"
[[ $("$PY" "$TMP/pngchunks.py" "$OUT/bad/huge-header.png" | tr '\n' ' ') == "IHDR 60000 60000 8 0 IDAT "*" IEND 0 " ]] \
  || fail "huge-header.png is not IHDR(60000x60000)/IDAT/IEND with valid CRCs"
[[ $("$EXIFTOOL" -s3 -ImageWidth -ImageHeight "$OUT/bad/huge-header.jpg" | tr '\n' ' ') == "60000 60000 " ]] || fail "huge-header.jpg SOF0"
if "$IDENTIFY" -regard-warnings "$OUT/bad/truncated.jpg" >/dev/null 2>&1 && \
   "$CONVERT" -regard-warnings "$OUT/bad/truncated.jpg" null: >/dev/null 2>&1; then fail "truncated.jpg decodes cleanly"; fi
if "$CONVERT" -regard-warnings "$OUT/bad/truncated.png" null: >/dev/null 2>&1; then fail "truncated.png decodes cleanly"; fi
ok "bad/: empty, truncated.jpg, truncated.png, not-an-image.jpg, huge-header.png (60000x60000), huge-header.jpg (60000x60000)"

# ---------------------------------------------------------------- privacy/ and more colour/
# Inputs for the metadata policies (--metadata=strip|keep-copyright|keep, --keepDates): every
# kind of private field exiftool can write, plus the rights fields keep-copyright must keep.
# Private values contain the word "PRIVATE" (the tests grep outputs for it); kept rights values
# contain "RIGHTS". All values are invented test values.
# stored pixels: upright.png (chelsea 300x200) scaled to 240x160 and turned -rotate 270, so
# that Orientation=6 (rotate 90 CW to display) shows it upright
"$CONVERT" "$OUT/orientation/upright.png" -resize 240x160 -rotate 270 "${PNGOPT[@]}" "PNG24:$TMP/priv-stored.png"
"$CONVERT" "$OUT/orientation/upright.png" -resize 96x64 -rotate 270 -quality 70 "$TMP/priv-thumb.jpg"
# the EXIF thumbnail carries GPS of its own (a second place a location can hide)
"$EXIFTOOL" -q -overwrite_original -EXIF:GPSLatitude=51.5007 -EXIF:GPSLatitudeRef=N \
  -EXIF:GPSLongitude=0.1246 -EXIF:GPSLongitudeRef=W "$TMP/priv-thumb.jpg"
PRIV_TAGS=(
  -EXIF:Make="ExampleCam" -EXIF:Model="EC-2 PRIVATE" -EXIF:Software="PRIVATE editor 1.0"
  -EXIF:Artist="Jane Example RIGHTS" -EXIF:Copyright="(c) 2024 Jane Example RIGHTS"
  -EXIF:ImageDescription="PRIVATE description" -EXIF:HostComputer="PRIVATE-laptop.local"
  -EXIF:ModifyDate="2024:05:06 07:08:09" -EXIF:DateTimeOriginal="2024:05:06 07:08:09"
  -EXIF:CreateDate="2024:05:06 07:08:09" -EXIF:OffsetTimeOriginal="+02:00" -EXIF:SubSecTimeOriginal=42
  -EXIF:SerialNumber="PRIVATE-BODY-SN-1234" -EXIF:LensSerialNumber="PRIVATE-LENS-SN-5678"
  -EXIF:OwnerName="PRIVATE Owner Name" -EXIF:ImageUniqueID="PRIVATE0123456789abcdef0123456789"
  -EXIF:UserComment="PRIVATE user comment" -EXIF:LensModel="PRIVATE lens"
  -EXIF:GPSLatitude=48.858370 -EXIF:GPSLatitudeRef=N -EXIF:GPSLongitude=2.294481 -EXIF:GPSLongitudeRef=E
  -EXIF:GPSAltitude=35 -EXIF:GPSAltitudeRef="Above Sea Level" -EXIF:GPSDateStamp="2024:05:06"
  -XMP-dc:Creator="Jane Example RIGHTS" -XMP-dc:Rights="(c) 2024 Jane Example RIGHTS"
  -XMP-dc:Description="PRIVATE caption" -XMP-xmpRights:Marked=True
  -XMP-xmpRights:UsageTerms="Licensed RIGHTS terms" -XMP-xmpRights:WebStatement="https://example.org/RIGHTS"
  -XMP-xmpRights:Owner="Jane Example RIGHTS" -XMP-photoshop:Credit="Credit line RIGHTS"
  -XMP-photoshop:City="PRIVATE City" -XMP-photoshop:State="PRIVATE State" -XMP-photoshop:Country="PRIVATE Country"
  -XMP-photoshop:DateCreated="2024:05:06 07:08:09" -XMP-xmp:CreateDate="2024:05:06 07:08:09"
  -XMP-xmp:CreatorTool="PRIVATE tool"
  -XMP-iptcCore:Location="PRIVATE sublocation" -XMP-iptcCore:CreatorWorkEmail="PRIVATE@example.org"
  -XMP-iptcExt:PersonInImage="PRIVATE Person" -XMP-iptcExt:LocationShownCity="PRIVATE Shown City"
  -XMP-aux:SerialNumber="PRIVATE-AUX-SN" -XMP-aux:OwnerName="PRIVATE aux owner"
  -XMP-exifEX:SerialNumber="PRIVATE-EX-SN" -XMP-exifEX:OwnerName="PRIVATE ex owner"
  -XMP-exif:GPSLatitude="48.858370 N" -XMP-exif:GPSLongitude="2.294481 E"
  -XMP-xmpMM:DocumentID="xmp.did:PRIVATE" -XMP-xmpMM:HistoryAction=saved -XMP-xmpMM:HistorySoftwareAgent="PRIVATE agent"
  "-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=240,H=160,Unit=pixel},RegionList=[{Area={X=0.5,Y=0.5,W=0.2,H=0.3,Unit=normalized},Name=PRIVATE Face,Type=Face}]}"
  "-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=PRIVATE MP Person,Rectangle=0.4|, 0.35|, 0.2|, 0.3}]}"
)
IPTC_TAGS=(
  -IPTC:CodedCharacterSet=UTF8 -IPTC:By-line="Jane Example RIGHTS" -IPTC:CopyrightNotice="(c) 2024 RIGHTS"
  -IPTC:Credit="Credit RIGHTS" -IPTC:City="PRIVATE City" -IPTC:Sub-location="PRIVATE Sublocation"
  -IPTC:Province-State="PRIVATE Province" -IPTC:Country-PrimaryLocationName="PRIVATE Country"
  -IPTC:DateCreated=2024:05:06 -IPTC:TimeCreated=07:08:09+02:00 -IPTC:Caption-Abstract="PRIVATE caption"
  -IPTC:Keywords="PRIVATE keyword"
)
# camera.jpg: 160x240 stored, Orientation 6, all of the above plus IPTC, a COM comment and the thumbnail
f=$OUT/privacy/camera.jpg
"$CONVERT" "$TMP/priv-stored.png" -sampling-factor 2x2,1x1,1x1 -quality 90 "$f"
"$EXIFTOOL" -q -overwrite_original -EXIF:Orientation#=6 "${PRIV_TAGS[@]}" "${IPTC_TAGS[@]}" \
  -Comment="PRIVATE JPEG comment" "-ThumbnailImage<=$TMP/priv-thumb.jpg" "$f"
# camera.png: same pixels (Orientation 1: 240x160 upright), eXIf + XMP iTXt from exiftool, and
# tEXt/zTXt/iTXt/tIME chunks; PNG's own Copyright and Author keywords are the rights fields
"$CONVERT" "$OUT/orientation/upright.png" -resize 240x160 "${PNGOPT[@]}" "PNG24:$TMP/priv-upright.png"
"$PY" - "$TMP/priv-upright.png" "$OUT/privacy/camera.png" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
def chunk(t, body): return struct.pack('>I', len(body)) + t + body + struct.pack('>I', zlib.crc32(t + body))
extra = (
    chunk(b'tEXt', b'Copyright\x00(c) 2024 Jane Example RIGHTS') +
    chunk(b'tEXt', b'Author\x00Jane Example RIGHTS') +
    chunk(b'tEXt', b'Comment\x00PRIVATE tEXt comment') +
    chunk(b'zTXt', b'Description\x00\x00' + zlib.compress(b'PRIVATE zTXt description', 9)) +
    chunk(b'iTXt', b'Location\x00\x00\x00en\x00Location\x00' + 'PRIVATE iTXt location \u00e9'.encode()) +
    chunk(b'tIME', struct.pack('>HBBBBB', 2024, 5, 6, 7, 8, 9)))
i = d.index(b'IDAT') - 4
open(sys.argv[2], 'wb').write(d[:i] + extra + d[i:])
EOF
"$EXIFTOOL" -q -overwrite_original -EXIF:Orientation#=1 "${PRIV_TAGS[@]}" "$OUT/privacy/camera.png"
# camera.webp: the stored pixels of camera.jpg, with its EXIF (Orientation 6, GPS, serials) and
# XMP set as WebP EXIF and XMP chunks by webpmux (VP8X extended format)
"$CWEBP" -quiet -q 80 "$TMP/priv-stored.png" -o "$TMP/priv.webp"
"$EXIFTOOL" -b -EXIF "$OUT/privacy/camera.jpg" > "$TMP/priv.exif"
"$EXIFTOOL" -b -XMP "$OUT/privacy/camera.jpg" > "$TMP/priv.xmp"
"$WEBPMUX" -set exif "$TMP/priv.exif" "$TMP/priv.webp" -o "$TMP/priv-exif.webp" >/dev/null 2>&1
"$WEBPMUX" -set xmp "$TMP/priv.xmp" "$TMP/priv-exif.webp" -o "$OUT/privacy/camera.webp" >/dev/null 2>&1
for f in "$OUT"/privacy/camera.{jpg,png,webp}; do
  tags=$("$EXIFTOOL" -a -G1 -s "$f")
  for t in '\[GPS\] *GPSLatitude' '\[ExifIFD\] *SerialNumber' '\[ExifIFD\] *OwnerName' '\[XMP-aux\] *SerialNumber' '\[XMP-mwg-rs\] *RegionName' \
           '\[XMP-MP\] *RegionPersonDisplayName' '\[XMP-iptcExt\] *PersonInImage' '\[XMP-xmpMM\] *HistoryAction' \
           '\[IFD0\] *Copyright' '\[IFD0\] *Artist' '\[XMP-dc\] *Rights' '\[ExifIFD\] *ImageUniqueID' \
           '\[ExifIFD\] *UserComment' '\[IFD0\] *HostComputer'; do
    grep -q "^$t" <<<"$tags" || fail "$f lacks $t"
  done
done
tags=$("$EXIFTOOL" -a -G1 -s "$OUT/privacy/camera.jpg")
for t in '\[IPTC\] *City' '\[IPTC\] *CopyrightNotice' '\[IPTC\] *By-line' '\[IFD1\] *ThumbnailImage' \
         '\[File\] *Comment' '\[IFD0\] *Orientation *: Rotate 90 CW'; do
  grep -q "^$t" <<<"$tags" || fail "camera.jpg lacks $t"
done
"$EXIFTOOL" -b -ThumbnailImage "$OUT/privacy/camera.jpg" | "$EXIFTOOL" -s3 -GPSLatitude - | grep -q 51 \
  || fail "camera.jpg thumbnail has no GPS of its own"
chunks=$("$PY" "$TMP/pngchunks.py" "$OUT/privacy/camera.png")
for c in tEXt zTXt iTXt tIME eXIf; do grep -q "^$c " <<<"$chunks" || fail "camera.png lacks a $c chunk"; done
"$PY" -c 'import sys; d=open(sys.argv[1],"rb").read(); assert b"EXIF" in d and b"XMP " in d and d[12:16]==b"VP8X"' \
  "$OUT/privacy/camera.webp" || fail "camera.webp lacks VP8X/EXIF/XMP chunks"
ok "privacy/camera.{jpg,png,webp}: GPS, serials, owners, regions, person, location, history, rights; jpg: IPTC, COM, thumbnail with its own GPS"

# p3.jpg: Display P3. No Debian package ships a Display P3 profile (colord-data and
# icc-profiles-free have Adobe RGB, ProPhoto and others, not P3), so this script writes one: an
# ICC v4 matrix/TRC profile from the Display P3 definition (DCI-P3 primaries R 0.680,0.320
# G 0.265,0.690 B 0.150,0.060, D65 white, Bradford-adapted to D50, sRGB's parametric curve).
# Its colorants match Apple's Display P3 profile to 1e-5.
"$PY" - "$TMP/DisplayP3.icc" <<'EOF'
import hashlib, struct, sys
import numpy as np
def xy2XYZ(x, y): return np.array([x / y, 1.0, (1 - x - y) / y])
P = np.column_stack([xy2XYZ(0.680, 0.320), xy2XYZ(0.265, 0.690), xy2XYZ(0.150, 0.060)])
white = xy2XYZ(0.3127, 0.3290)
M = P * np.linalg.solve(P, white)
brad = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
d50 = np.array([0.9642, 1.0, 0.8249])
chad = np.linalg.inv(brad) @ np.diag((brad @ d50) / (brad @ white)) @ brad
M50 = chad @ M
assert np.allclose(M50[:, 0], [0.515121, 0.241196, -0.001053], atol=2e-5), M50
s15 = lambda v: struct.pack('>i', int(round(v * 65536)))
xyz = lambda v: b'XYZ \0\0\0\0' + b''.join(s15(c) for c in v)
def mluc(text):
    t = text.encode('utf-16-be')
    return b'mluc\0\0\0\0' + struct.pack('>II', 1, 12) + b'enUS' + struct.pack('>II', len(t), 28) + t
para = b'para\0\0\0\0' + struct.pack('>HH', 3, 0) + b''.join(
    s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
tags = [(b'desc', mluc('Display P3 (imgbeam test profile)')), (b'cprt', mluc('No copyright, use freely')),
        (b'wtpt', xyz(d50)), (b'chad', b'sf32\0\0\0\0' + b''.join(s15(v) for v in chad.flatten())),
        (b'rXYZ', xyz(M50[:, 0])), (b'gXYZ', xyz(M50[:, 1])), (b'bXYZ', xyz(M50[:, 2])),
        (b'rTRC', para), (b'gTRC', para), (b'bTRC', para)]
start = 128 + 4 + 12 * len(tags)
table, data, placed = b'', b'', {}
for sig, body in tags:
    if body not in placed:
        data += b'\0' * (-len(data) % 4); placed[body] = start + len(data); data += body
    table += sig + struct.pack('>II', placed[body], len(body))
data += b'\0' * (-len(data) % 4)
hdr = (struct.pack('>I', start + len(data)) + b'\0' * 4 + bytes([4, 0x30, 0, 0]) + b'mntrRGB XYZ '
       + struct.pack('>6H', 2024, 1, 1, 0, 0, 0) + b'acsp' + b'\0' * 28 + s15(0.9642) + s15(1.0) + s15(0.8249)
       + b'\0' * 48)
assert len(hdr) == 128, len(hdr)
prof = bytearray(hdr + struct.pack('>I', len(tags)) + table + data)
ident = bytes(prof[:44]) + b'\0' * 4 + bytes(prof[48:64]) + b'\0' * 4 + bytes(prof[68:84]) + b'\0' * 16 + bytes(prof[100:])
prof[84:100] = hashlib.md5(ident).digest()
open(sys.argv[1], 'wb').write(prof)
EOF
"$CONVERT" "$TMP/astronaut.png" -resize 240x240 -profile "$SRGB_ICC" -profile "$TMP/DisplayP3.icc" \
  -sampling-factor 2x2,1x1,1x1 -quality 92 "$OUT/colour/p3.jpg"
"$CONVERT" "$OUT/colour/p3.jpg" -profile "$SRGB_ICC" -strip "${PNGOPT[@]}" "PNG24:$OUT/colour/p3-reference.png"
f=$OUT/colour/p3.jpg
[[ $("$EXIFTOOL" -s3 -ProfileDescription "$f") == "Display P3 (imgbeam test profile)" ]] || fail "$f lacks the P3 profile"
"$CONVERT" "$f" -strip "$TMP/p3-raw.png"
e=$(rmse "$TMP/p3-raw.png" "$OUT/colour/p3-reference.png")
awk -v a="$e" 'BEGIN{exit !(a > 0.01)}' || fail "$f pixels look unconverted (RMSE $e)"
ok "p3.jpg: Display P3 profile embedded; unmanaged vs reference RMSE $e"
# grey-icc.jpg: one-channel JPEG tagged with a grey profile whose curve is CIE L* (not sRGB's),
# so its samples must be converted; the reference is LittleCMS (python3-pil ImageCms) to sRGB
"$CONVERT" "$TMP/camera.png" -resize 200x200 -colorspace Gray -quality 92 -profile "$ICC/Gray-CIE_L.icc" "$OUT/colour/grey-icc.jpg"
"$PY" - "$OUT/colour/grey-icc.jpg" "$ICC/Gray-CIE_L.icc" "$SRGB_ICC" "$TMP/grey-ref.png" <<'EOF'
import sys
from PIL import Image, ImageCms
im = Image.open(sys.argv[1]); assert im.mode == 'L', im.mode
out = ImageCms.profileToProfile(im, sys.argv[2], sys.argv[3], outputMode='RGB')
grey = out.convert('L'); grey.info.pop('icc_profile', None); grey.save(sys.argv[4])
EOF
"$CONVERT" "$TMP/grey-ref.png" -strip "${PNGOPT[@]}" -define png:color-type=0 "$OUT/colour/grey-icc-reference.png"
[[ $("$EXIFTOOL" -s3 -ProfileDescription "$OUT/colour/grey-icc.jpg") == "Gray CIE*L" ]] || fail "grey-icc.jpg lacks its profile"
[[ $("$EXIFTOOL" -s3 -ColorComponents "$OUT/colour/grey-icc.jpg") == 1 ]] || fail "grey-icc.jpg is not one-channel"
ok "grey-icc.jpg: 1 component, Gray CIE*L profile; reference by LittleCMS"

# ---------------------------------------------------------------- manifest
SKD=/usr/lib/python3/dist-packages/skimage/data
CC0C="CC0 (photo by Rachel Michetti, courtesy Pikolo Espresso Bar; per skimage.data.coffee docstring)"
CC0K="CC0 (photo by Stefan van der Walt; per skimage.data.chelsea docstring)"
PDA="public domain (NASA photo of Eileen Collins; per skimage.data.astronaut docstring)"
PDR="public domain (SpaceX photo, DSCOVR launch; per skimage.data.rocket docstring)"
PDH="public domain (NASA/HubbleSite; per skimage.data.hubble_deep_field docstring)"
CC0M="CC0 (photo by Lav Varshney; per skimage.data.camera docstring)"
LOGO="BSD-3-Clause (scikit-image logo; Files: * in /usr/share/doc/python3-skimage/copyright)"
ZL="icc-profiles-free profile: Zlib (/usr/share/doc/icc-profiles-free/copyright)"
GS="libgs-common profile: AGPL-3+ (Artifex; /usr/share/doc/libgs-common/copyright, Files: iccprofiles/*)"
NORM="normalised with ImageMagick -profile $SRGB_ICC -strip"
{
printf 'file\tsource\tlicence\texercises\n'
while IFS='|' read -r file src lic ex; do printf '%s\t%s\t%s\t%s\n' "$file" "$src" "$lic" "$ex"; done <<EOF
images/photo/coffee.jpg|python3-skimage: $SKD/coffee.png (600x400 PNG); ImageMagick JPEG q92, 4:2:0, baseline, JFIF|$CC0C|baseline JFIF JPEG recompression; q80 re-encode must be smaller
images/photo/astronaut-gps.jpg|python3-skimage: $SKD/astronaut.png; $NORM; resized 400x400, JPEG q90 4:2:0; exiftool wrote EXIF (GPS lat/lon/alt, Make/Model, SerialNumber, LensSerialNumber, OwnerName, Artist, Copyright, DateTimeOriginal, UserComment, 160x160 ThumbnailImage in IFD1), XMP (dc:creator, photoshop:City/State/Country, Iptc4xmpCore:Location/CountryCode, exif:GPS*), IPTC (By-line, City, Sub-location, Country, Keywords) and a COM comment; all metadata values are invented test values|$PDA; metadata: imgbeam test values|metadata stripping/preservation (EXIF GPS, serial numbers, owner, XMP, IPTC, COM, EXIF thumbnail)
images/orientation/upright.png|python3-skimage: $SKD/chelsea.png; $NORM; crop 300x200+0+100 at native resolution (no resampling); lossless PNG (RGB)|$CC0K|reference upright pixels for orientation tests
images/orientation/orientation-1.jpg|orientation/upright.png (chelsea); pixels unchanged; JPEG q92 4:2:0; exiftool -n -Orientation=1|$CC0K|EXIF Orientation=1 (identity)
images/orientation/orientation-2.jpg|orientation/upright.png (chelsea); pixels -flop (inverse of orientation 2); JPEG q92; exiftool -n -Orientation=2|$CC0K|EXIF Orientation=2 (mirror horizontal) must display upright
images/orientation/orientation-3.jpg|orientation/upright.png (chelsea); pixels -rotate 180; JPEG q92; exiftool -n -Orientation=3|$CC0K|EXIF Orientation=3 (rotate 180) must display upright
images/orientation/orientation-4.jpg|orientation/upright.png (chelsea); pixels -flip; JPEG q92; exiftool -n -Orientation=4|$CC0K|EXIF Orientation=4 (mirror vertical) must display upright
images/orientation/orientation-5.jpg|orientation/upright.png (chelsea); pixels -transpose (200x300); JPEG q92; exiftool -n -Orientation=5|$CC0K|EXIF Orientation=5 (transpose) must display upright 300x200
images/orientation/orientation-6.jpg|orientation/upright.png (chelsea); pixels -rotate 270 (200x300); JPEG q92; exiftool -n -Orientation=6|$CC0K|EXIF Orientation=6 (rotate 90 CW to display) must display upright 300x200
images/orientation/orientation-7.jpg|orientation/upright.png (chelsea); pixels -transverse (200x300); JPEG q92; exiftool -n -Orientation=7|$CC0K|EXIF Orientation=7 (transverse) must display upright 300x200
images/orientation/orientation-8.jpg|orientation/upright.png (chelsea); pixels -rotate 90 (200x300); JPEG q92; exiftool -n -Orientation=8|$CC0K|EXIF Orientation=8 (rotate 270 CW to display) must display upright 300x200
images/colour/cmyk.jpg|python3-skimage: $SKD/rocket.jpg (embedded Adobe RGB); $NORM; resized 320 wide; ImageMagick -profile $SRGB_ICC -profile $CMYK_ICC (libgs-common) to CMYK; JPEG encoded by python3-pil (q90, no subsampling, Adobe-inverted CMYK, APP14 transform 0) with that ICC profile embedded (187 KB, 3 APP2 segments)|$PDR; $GS|plain CMYK JPEG (Adobe APP14 transform=0) with multi-segment CMYK ICC profile; CMYK->sRGB conversion
images/colour/cmyk-reference.png|colour/cmyk.jpg converted by ImageMagick using its embedded profile: -profile $SRGB_ICC, -strip, PNG|$PDR; $GS; $ZL|expected sRGB rendering of cmyk.jpg
images/colour/ycck.jpg|python3-skimage: $SKD/rocket.jpg; $NORM; resized 320 wide; ImageMagick -profile $SRGB_ICC -profile $CMYK_ICC (libgs-common), written by ImageMagick's JPEG coder (YCCK, APP14 transform 2) q90|$PDR; $GS|YCCK JPEG (4 components, Adobe APP14 transform=2) with a multi-segment CMYK ICC profile
images/colour/ycck-reference.png|colour/ycck.jpg converted by ImageMagick using its embedded profile: -profile $SRGB_ICC, -strip, PNG|$PDR; $GS; $ZL|expected sRGB rendering of ycck.jpg
images/colour/adobergb.jpg|python3-skimage: $SKD/astronaut.png; $NORM; resized 320x320; ImageMagick -profile $SRGB_ICC -profile $ADOBE_ICC (icc-profiles-free); JPEG q92 4:2:0 with that profile embedded|$PDA; $ZL|wide-gamut RGB JPEG with embedded Adobe RGB (1998)-compatible ICC profile; colour management
images/colour/adobergb-reference.png|colour/adobergb.jpg converted by ImageMagick using its embedded profile: -profile $SRGB_ICC, -strip, PNG|$PDA; $ZL|expected sRGB rendering of adobergb.jpg
images/png/rgba.png|orientation/upright.png (chelsea 300x200) with a blurred elliptical alpha mask (ImageMagick -draw ellipse, -blur 0x10, CopyOpacity); PNG32|$CC0K|8-bit RGBA with real partial transparency
images/png/opaque-rgba.png|python3-skimage: $SKD/coffee.png; resized 300x200; -alpha opaque; PNG32 (colour type 6)|$CC0C|RGBA PNG whose alpha is all 255 (reducible to RGB)
images/png/palette.png|python3-skimage: $SKD/rocket.jpg; $NORM; resized 320 wide; Floyd-Steinberg quantised to 256 colours; ImageMagick PNG8|$PDR|8-bit palette PNG (colour type 3)
images/png/grey.png|python3-skimage: $SKD/camera.png; resized 320x320; 8-bit greyscale PNG|$CC0M|8-bit greyscale PNG (colour type 0)
images/png/grey16.png|python3-skimage: $SKD/rocket.jpg; $NORM; Rec.709 luma in float, 2x2 box mean, v16=round(mean*257) -> 320x213 (low byte carries real sub-8-bit precision), written by ImageMagick as 16-bit grey PNG|$PDR|16-bit greyscale PNG with genuine 16-bit sample values
images/png/rgb16.png|python3-skimage: $SKD/hubble_deep_field.jpg; $NORM; 4x4 box mean per channel, v16=round(mean*257) -> 250x218, written by ImageMagick as 16-bit RGB PNG|$PDH|16-bit RGB PNG with genuine 16-bit sample values
images/png/grey-as-rgb.png|python3-skimage: $SKD/coffee.png; resized 300x200; -colorspace Gray then stored as 8-bit RGB (PNG24, R=G=B)|$CC0C|RGB PNG with only grey pixels (reducible to greyscale)
images/png/text-chunks.png|python3-skimage: $SKD/rocket.jpg; $NORM; resized 300x200 RGB PNG; Python inserted tEXt Author, tEXt Comment, zTXt Description, iTXt Title (lang de), tIME; exiftool added XMP (iTXt XML:com.adobe.xmp) and eXIf (Artist, Make/Model, DateTimeOriginal, GPS); all metadata values are invented test values|$PDR; metadata: imgbeam test values|PNG ancillary text/time/XMP/EXIF chunk handling and stripping
images/gif/static.gif|python3-skimage: $SKD/coffee.png; resized 300x200; Floyd-Steinberg 256 colours; ImageMagick GIF|$CC0C|single-frame GIF
images/gif/animated.gif|python3-skimage: $SKD/chelsea.png; $NORM; 4 crops 300x200 at +0+0,+50+30,+100+60,+150+90 resized to 120x80; ImageMagick GIF, delay 40, loop 0, comment extension on frame 1, -layers Optimize|$CC0K|animated GIF (4 frames, sub-rectangle frames, NETSCAPE loop, comment extension)
images/webp/lossy.webp|python3-skimage: $SKD/astronaut.png; $NORM; resized 320x320; cwebp -q 80 (webp package)|$PDA|lossy WebP (VP8)
images/webp/lossless.webp|python3-skimage: $SKD/logo.png (RGBA, but every alpha is 255); resized 250x250; cwebp -lossless (webp package), which drops the opaque alpha|$LOGO|lossless WebP (VP8L), opaque graphic (no alpha)
images/tiff/photo.tif|python3-skimage: $SKD/rocket.jpg; $NORM; resized 256 wide; ImageMagick TIFF, LZW|$PDR|LZW-compressed RGB TIFF input
images/bmp/photo.bmp|python3-skimage: $SKD/coffee.png; resized 256 wide; ImageMagick BMP3 24-bit|$CC0C|24-bit uncompressed BMP input
images/bad/empty.jpg|created empty (0 bytes) by this script|none (no content)|zero-byte input with image extension
images/bad/truncated.jpg|images/photo/coffee.jpg cut to its first 40% of bytes|$CC0C|truncated JPEG (no EOI, partial scan)
images/bad/truncated.png|images/orientation/upright.png cut in the middle of its first IDAT chunk's data|$CC0K|truncated PNG (inside IDAT, no IEND)
images/bad/not-an-image.jpg|plain ASCII text written by this script|none (trivial text)|non-image content with .jpg extension
images/bad/huge-header.png|written by this script with Python zlib/struct: valid signature, IHDR 60000x60000 8-bit grey with correct CRC, one IDAT of 4 zero scanlines, IEND|none (generated)|decompression-bomb guard: header dimensions checked before allocating
images/bad/huge-header.jpg|python3-skimage: $SKD/coffee.png resized to 48x32, ImageMagick baseline JPEG q75, SOF0 height/width patched to 60000x60000|$CC0C|decompression-bomb guard for JPEG SOF dimensions
images/privacy/camera.jpg|orientation/upright.png (chelsea) resized 240x160, stored rotated (-rotate 270) as JPEG q90 4:2:0; exiftool wrote EXIF Orientation=6, Make/Model/Software, Artist, Copyright, ImageDescription, HostComputer, ModifyDate/DateTimeOriginal/CreateDate/OffsetTimeOriginal/SubSecTimeOriginal, SerialNumber, LensSerialNumber, OwnerName, ImageUniqueID, UserComment, LensModel, GPS lat/lon/alt/date; a 64x96 IFD1 ThumbnailImage that has GPS of its own; XMP dc:creator/rights/description, xmpRights Marked/UsageTerms/WebStatement/Owner, photoshop Credit/City/State/Country/DateCreated, xmp CreateDate/CreatorTool, Iptc4xmpCore Location/CreatorContactInfo, Iptc4xmpExt PersonInImage/LocationShown, aux SerialNumber/OwnerName, exifEX BodySerialNumber/CameraOwnerName (exiftool's XMP-exifEX:SerialNumber/OwnerName), exif GPS, xmpMM DocumentID/History, mwg-rs face region, MP region; IPTC By-line, CopyrightNotice, Credit, City, Sub-location, Province-State, Country, DateCreated, TimeCreated, Caption-Abstract, Keywords; a COM comment; all values invented ("PRIVATE" marks what keep-copyright removes, "RIGHTS" what it keeps)|$CC0K; metadata: imgbeam test values|metadata policies strip/keep-copyright/keep on JPEG (re-encoded and kept original), orientation reset, thumbnail with its own GPS, privacy audit counts
images/privacy/camera.png|orientation/upright.png (chelsea) resized 240x160 RGB PNG; Python inserted tEXt Copyright/Author/Comment, zTXt Description, iTXt Location (lang en), tIME; exiftool added eXIf (Orientation=1 and the EXIF fields of camera.jpg) and XMP (iTXt XML:com.adobe.xmp) with the XMP fields of camera.jpg; all values invented|$CC0K; metadata: imgbeam test values|metadata policies on PNG: eXIf, iTXt XMP, PNG text chunks, tIME
images/privacy/camera.webp|the stored (rotated) pixels of privacy/camera.jpg, cwebp -q 80; webpmux -set exif (camera.jpg's EXIF block, Orientation=6, GPS, serials, thumbnail with GPS) and -set xmp (camera.jpg's XMP): VP8X extended WebP|$CC0K; metadata: imgbeam test values|metadata policies on kept-original WebP EXIF/XMP chunks
images/colour/p3.jpg|python3-skimage: $SKD/astronaut.png; $NORM; resized 240x240; ImageMagick -profile $SRGB_ICC -profile DisplayP3.icc (an ICC v4 matrix/TRC Display P3 profile written by this script from the Display P3 definition, since no Debian package ships one); JPEG q92 4:2:0 with that profile embedded|$PDA; $ZL; P3 profile: generated, no copyright|Display P3 JPEG: ICC conversion to sRGB (Delta E against the reference) and --iccProfile=keep
images/colour/p3-reference.png|colour/p3.jpg converted by ImageMagick using its embedded profile: -profile $SRGB_ICC, -strip, PNG|$PDA; $ZL|expected sRGB rendering of p3.jpg
images/colour/grey-icc.jpg|python3-skimage: $SKD/camera.png; resized 200x200; ImageMagick one-channel JPEG q92 with /usr/share/color/icc/Gray-CIE_L.icc (icc-profiles-free, grey with a CIE L* curve) embedded|$CC0M; $ZL|grey JPEG with a non-sRGB grey ICC profile: grey conversion to sRGB
images/colour/grey-icc-reference.png|colour/grey-icc.jpg converted by LittleCMS (python3-pil ImageCms.profileToProfile, Gray-CIE_L.icc to $SRGB_ICC, perceptual), stored as 8-bit grey PNG|$CC0M; $ZL|expected sRGB rendering of grey-icc.jpg
EOF
} > "$HERE/MANIFEST.tsv"

# every file under images/ must have exactly one manifest line and vice versa
diff <(cd "$HERE" && find images -type f | LC_ALL=C sort) <(tail -n +2 "$HERE/MANIFEST.tsv" | cut -f1 | grep '^images/' | LC_ALL=C sort) \
  || fail "MANIFEST.tsv and images/ disagree"
awk -F'\t' 'NF != 4 {print "bad manifest line " NR; exit 1}' "$HERE/MANIFEST.tsv" || fail "MANIFEST.tsv column count"

# hostile/ is made from images/ by its own script, which appends its lines to MANIFEST.tsv
bash "$HERE/make-hostile.sh"
# metric/ (SSIMULACRA 2 fixtures) likewise, with libjxl's scores
bash "$HERE/make-metric.sh"

total=$(du -sb "$HERE" | cut -f1)
((total < 10 * 1024 * 1024)) || fail "testdata is $total bytes (> 10 MB)"
ok "MANIFEST.tsv matches images/; testdata total $total bytes"
echo "done: $(find "$OUT" -type f | wc -l) files in $OUT"
