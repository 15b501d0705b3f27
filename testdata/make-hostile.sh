#!/usr/bin/env bash
# make-hostile.sh -- regenerate imgbeam's hostile-input corpus in testdata/hostile/
#
# Every file is written by the Python below (standard library only) from images
# that make-testdata.sh already put under testdata/images/, plus one progressive
# JPEG made with ImageMagick. The files are tiny on purpose: what they claim in
# their headers (64250x64250 pixels, 40,000 frames, 5,000 scans, 2^31 EXIF values)
# is what makes them hostile, not their size. Re-running deletes testdata/hostile/,
# rebuilds it, and replaces the hostile/ lines of testdata/MANIFEST.tsv.
#
# PngSuite's corrupt x* files (Willem van Schaik, public domain) are not packaged
# in Debian, Maven Central or npm, so pngsuite/ holds equivalents generated here
# under the same names, one per x* case, each a 32x32 image broken the same way.
#
# Debian packages needed: imagemagick (/usr/bin/convert), python3 (/usr/bin/python3).
# Usage: bash testdata/make-hostile.sh   (from anywhere; make-testdata.sh calls it)

set -euo pipefail

CONVERT=/usr/bin/convert
PY=/usr/bin/python3
for tool in "$CONVERT" "$PY"; do
  [[ -x $tool ]] || { echo "missing $tool (apt-get install imagemagick python3)" >&2; exit 1; }
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMG=$HERE/images
OUT=$HERE/hostile
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rm -rf "$OUT"
mkdir -p "$OUT"/{flood,dims,exif,scans,truncated,pngsuite,polyglot}

# A 16x16 grey progressive JPEG whose scans are repeated to make 5,000 of them.
"$CONVERT" "$IMG/photo/coffee.jpg" -resize 16x16! -colorspace Gray -interlace JPEG -quality 75 \
  "$TMP/progressive.jpg"
# A 48x32 baseline JPEG whose headers get patched.
"$CONVERT" "$IMG/photo/coffee.jpg" -resize 48x32! -interlace none -quality 75 -strip "$TMP/tiny.jpg"

"$PY" - "$IMG" "$OUT" "$TMP" <<'EOF'
import io, struct, sys, zipfile, zlib
img, out, tmp = sys.argv[1:4]

def write(name, data):
    with open(f'{out}/{name}', 'wb') as f:
        f.write(data)

def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))

SIG = b'\x89PNG\r\n\x1a\n'

def png(w, h, depth, ctype, raw, extra=b''):
    return (SIG + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 0)) + extra
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

def jpeg_segments(d):
    """(offset, marker, length) of each marker segment before the first SOS."""
    p, segs = 2, []
    while True:
        assert d[p] == 0xFF
        m = d[p + 1]
        n, = struct.unpack('>H', d[p + 2:p + 4])
        segs.append((p, m, n))
        if m == 0xDA:
            return segs
        p += 2 + n

def patch_sof(d, w, h):
    d = bytearray(d)
    for p, m, n in jpeg_segments(d):
        if m in (0xC0, 0xC1, 0xC2):
            d[p + 5:p + 9] = struct.pack('>HH', h, w)
            return bytes(d)
    raise AssertionError('no SOF')

tiny = open(f'{tmp}/tiny.jpg', 'rb').read()

# ---- flood/: headers claiming far more pixels than the file holds
write('flood/jpeg-64250x64250.jpg', patch_sof(tiny, 64250, 64250))
write('flood/png-64250x64250.png', png(64250, 64250, 8, 2, b'\x00' * (64250 * 3 + 1) * 2))
# BMP: BITMAPINFOHEADER 3,000,000 x 2,000,000 24-bit, 64 bytes of pixel data
bmp_pixels = b'\x00' * 64
bmp = (b'BM' + struct.pack('<IHHI', 14 + 40 + len(bmp_pixels), 0, 0, 54)
       + struct.pack('<IiiHHIIiiII', 40, 3_000_000, 2_000_000, 1, 24, 0, 0, 2835, 2835, 0, 0)
       + bmp_pixels)
write('flood/bmp-3000000x2000000.bmp', bmp)
# A complete, valid 10000x10000 1-bit PNG: 100,000,000 pixels (at the default limit, not over
# it) from 12 KB; decoding it needs the per-JVM pixel budget a small heap does not have.
row = b'\x00' + b'\x00' * (10000 // 8)
write('flood/png-bomb-10000x10000.png', png(10000, 10000, 1, 0, row * 10000))
# 64x64 grey PNG whose IDAT inflates to 16 MiB, 4000 times what the header calls for.
write('flood/png-idat-overflow.png', png(64, 64, 8, 0, b'\x00' * (16 << 20)))
# 32x32 grey PNG with a zTXt comment that inflates to 64 MiB (metadata-extractor would inflate it all).
ztxt = b'Comment\x00\x00' + zlib.compress(b'A' * (64 << 20), 9)
write('flood/png-ztxt-bomb.png', png(32, 32, 8, 0, grey8 := (b'\x00' + b'\x80' * 32) * 32,
                                    extra=chunk(b'zTXt', ztxt)))
# GIF with 40,000 frames of 1x1 pixel (15 bytes a frame).
frame = (b'\x2c' + struct.pack('<HHHH', 0, 0, 1, 1) + b'\x00'   # image descriptor
         + b'\x02' + b'\x02\x44\x01' + b'\x00')                  # LZW: clear, 0, end
gif = (b'GIF89a' + struct.pack('<HH', 1, 1) + b'\x80\x00\x00' + b'\x00\x00\x00\xff\xff\xff'
       + b'\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00' + frame * 40000 + b'\x3b')
write('flood/gif-40000-frames.gif', gif)

# ---- scans/: a progressive JPEG with 5,000 scans (its last scan repeated before EOI)
prog = open(f'{tmp}/progressive.jpg', 'rb').read()
assert prog[-2:] == b'\xff\xd9'
sos = [i for i in range(len(prog) - 1) if prog[i] == 0xFF and prog[i + 1] == 0xDA]
assert len(sos) >= 2, 'not progressive'
last_scan = prog[sos[-1]:-2]
write('scans/jpeg-5000-scans.jpg', prog[:-2] + last_scan * (5000 - len(sos)) + b'\xff\xd9')

# ---- dims/: zero and negative dimensions
grey = lambda w: b'\x00' * (w + 1)
write('dims/png-width-0.png', png(0, 16, 8, 0, grey(0) * 16))
write('dims/png-height-0.png', png(16, 0, 8, 0, b''))
write('dims/png-width-2147483648.png', png(0x80000000, 1, 8, 0, grey(16)))  # negative as int32
write('dims/png-height-4294967295.png', png(1, 0xFFFFFFFF, 8, 0, grey(1)))
write('dims/jpeg-width-0.jpg', patch_sof(tiny, 0, 32))
write('dims/jpeg-height-0.jpg', patch_sof(tiny, 48, 0))
def bmp_dims(w, h):
    return (b'BM' + struct.pack('<IHHI', 54 + 64, 0, 0, 54)
            + struct.pack('<IiiHHIIiiII', 40, w, h, 1, 24, 0, 0, 2835, 2835, 0, 0) + b'\x00' * 64)
write('dims/bmp-width-negative.bmp', bmp_dims(-100, 10))
write('dims/bmp-height-int-min.bmp', bmp_dims(10, -2**31))
write('dims/bmp-width-0.bmp', bmp_dims(0, 10))
write('dims/gif-0x0.gif', b'GIF89a' + struct.pack('<HH', 0, 0) + b'\x80\x00\x00'
      + b'\x00\x00\x00\xff\xff\xff' + b'\x2c' + struct.pack('<HHHH', 0, 0, 0, 0) + b'\x00'
      + b'\x02\x02\x44\x01\x00' + b'\x3b')

# ---- exif/: EXIF with huge counts and loops, inserted after SOI of the tiny JPEG
def with_app1(tiff):
    body = b'Exif\x00\x00' + tiff
    return tiny[:2] + b'\xff\xe1' + struct.pack('>H', len(body) + 2) + body + tiny[2:]
def ifd(entries, next_ifd):
    return (struct.pack('>H', len(entries))
            + b''.join(struct.pack('>HHII', *e) for e in entries) + struct.pack('>I', next_ifd))
# Big-endian TIFF header; IFD0 at offset 8.
hdr = b'MM\x00\x2a' + struct.pack('>I', 8)
# Entries whose counts claim gigabytes: ASCII, RATIONAL, UNDEFINED, SHORT arrays.
huge = ifd([(0x010E, 2, 0x7FFFFFFF, 8),        # ImageDescription, 2 GB of ASCII
            (0x011A, 5, 0x40000000, 8),        # XResolution, 2^30 rationals
            (0x0112, 3, 1, 6 << 16),           # Orientation 6 (short, inline)
            (0x927C, 7, 0xFFFFFFFF, 8),        # MakerNote, 4 GB
            (0x0102, 3, 0x7FFFFFFF, 8)], 0)    # BitsPerSample, 2^31 shorts
write('exif/exif-huge-counts.jpg', with_app1(hdr + huge))
# An IFD that claims 65,535 entries.
write('exif/exif-65535-entries.jpg', with_app1(hdr + struct.pack('>H', 0xFFFF) + b'\x00' * 64))
# Loops: IFD0's next-IFD offset, its Exif pointer and its GPS pointer all point back at IFD0.
loop = ifd([(0x0112, 3, 1, 6 << 16),           # Orientation 6
            (0x8769, 4, 1, 8),                 # ExifIFDPointer -> IFD0
            (0x8825, 4, 1, 8),                 # GPSInfoIFDPointer -> IFD0
            (0xA005, 4, 1, 8)], 8)             # InteropIFDPointer -> IFD0; next IFD -> IFD0
write('exif/exif-ifd-loop.jpg', with_app1(hdr + loop))
# Two IFDs pointing at each other (IFD0 -> IFD1 -> IFD0).
ifd0 = ifd([(0x0112, 3, 1, 1 << 16)], 8 + 18)
ifd1 = ifd([(0x0201, 4, 1, 8), (0x0202, 4, 1, 0x7FFFFFFF)], 8)   # thumbnail 2 GB long
write('exif/exif-ifd-cycle.jpg', with_app1(hdr + ifd0 + ifd1))

# ---- truncated/: cut at 10, 50 and 90 % of their bytes
for src, name in (('photo/coffee.jpg', 'jpeg'), ('orientation/upright.png', 'png')):
    d = open(f'{img}/{src}', 'rb').read()
    for pct in (10, 50, 90):
        ext = src.rsplit('.', 1)[1]
        write(f'truncated/{name}-{pct}.{ext}', d[:len(d) * pct // 100])
for src, name in (('gif/static.gif', 'gif'), ('webp/lossy.webp', 'webp'),
                  ('tiff/photo.tif', 'tiff'), ('bmp/photo.bmp', 'bmp')):
    d = open(f'{img}/{src}', 'rb').read()
    write(f'truncated/{name}-50.{src.rsplit(".", 1)[1]}', d[:len(d) // 2])

# ---- pngsuite/: equivalents of PngSuite's corrupt x* files, 32x32 each
def gradient(depth, channels):
    """Filter-0 rows of a 32x32 diagonal gradient at the given depth and channel count."""
    rows = []
    for y in range(32):
        bits = []
        for x in range(32):
            v = ((x + y) * ((1 << depth) - 1)) // 62
            bits += [v] * channels
        if depth >= 8:
            row = b''.join(v.to_bytes(depth // 8, 'big') for v in bits)
        else:
            acc, n, row = 0, 0, bytearray()
            for v in bits:
                acc = (acc << depth) | v; n += depth
                if n == 8:
                    row.append(acc); acc, n = 0, 0
            row = bytes(row)
        rows.append(b'\x00' + row)
    return b''.join(rows)
def suite(depth, ctype, channels, raw_depth=None):
    return png(32, 32, depth, ctype, gradient(raw_depth or depth, channels))
g01, g04, g08 = suite(1, 0, 1), suite(4, 0, 1), suite(8, 0, 1)
write('pngsuite/xs1n0g01.png', b'\x09' + g01[1:])                 # signature byte 1 MSBit reset
write('pngsuite/xs2n0g01.png', g01[:1] + b'Q' + g01[2:])          # signature byte 2 is a 'Q'
write('pngsuite/xs4n0g01.png', g01[:3] + b'g' + g01[4:])          # signature byte 4 lowercase
write('pngsuite/xs7n0g01.png', g01[:6] + b' ' + g01[7:])          # 7th byte a space, not ^Z
write('pngsuite/xcrn0g04.png', g04.replace(b'\n', b'\r\n'))       # added CR bytes (LF -> CRLF)
write('pngsuite/xlfn0g04.png', g04.replace(b'\r', b'\r\n'))       # added LF bytes (CR -> CRLF)
write('pngsuite/xc1n0g08.png', suite(8, 1, 1))                    # colour type 1
write('pngsuite/xc9n2c08.png', suite(8, 9, 3))                    # colour type 9
write('pngsuite/xd0n2c08.png', suite(0, 2, 3, raw_depth=8))       # bit depth 0
write('pngsuite/xd3n2c08.png', suite(3, 2, 3, raw_depth=8))       # bit depth 3
write('pngsuite/xd9n2c08.png', suite(99, 2, 3, raw_depth=8))      # bit depth 99
write('pngsuite/xdtn0g01.png', SIG + g01[8:8 + 25] + chunk(b'IEND', b''))  # no IDAT
def bad_crc(data, ctype):
    i = data.index(ctype)
    n, = struct.unpack('>I', data[i - 4:i])
    end = i + 4 + n
    return data[:end] + bytes([data[end] ^ 0xFF]) + data[end + 1:]
write('pngsuite/xcsn0g01.png', bad_crc(g01, b'IDAT'))             # incorrect IDAT checksum
write('pngsuite/xhdn0g08.png', bad_crc(g08, b'IHDR'))             # incorrect IHDR checksum

# ---- polyglot/: files that are two things at once
small = open(f'{img}/png/grey.png', 'rb').read()
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, 'w') as z:
    info = zipfile.ZipInfo('payload.sh', date_time=(2020, 1, 1, 0, 0, 0))
    z.writestr(info, '#!/bin/sh\necho imgbeam-polyglot-payload\n')
write('polyglot/png-zip.png', g08 + zbuf.getvalue())            # PNG, then a ZIP (read from its end)
# GIF/JavaScript: the width bytes are "/*", a comment extension closes the JS comment and
# runs code, the rest is commented out again; after the GIF trailer ";" the comment closes.
script = b'*/=alert("imgbeam-polyglot-script");/*'
gifjs = (b'GIF89a' + b'/*' + struct.pack('<H', 10) + b'\x80\x00\x00' + b'\x00\x00\x00\xff\xff\xff'
         + b'\x21\xfe' + bytes([len(script)]) + script + b'\x00'
         + b'\x2c' + struct.pack('<HHHH', 0, 0, 1, 1) + b'\x00' + b'\x02\x02\x44\x01\x00'
         + b'\x3b' + b'*/')
write('polyglot/gif-script.gif', gifjs)
svg = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
       b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
       b'<script>alert("imgbeam-polyglot-script")</script><rect width="10" height="10"/></svg>\n')
write('polyglot/svg-named.jpg', svg)
write('polyglot/svg-leading-space.png', b'\n\t  ' + svg[svg.index(b'<svg'):])
write('polyglot/html-named.png', b'<!DOCTYPE html><html><body><script>alert("imgbeam")</script>'
      b'<img src=x onerror=alert(1)></body></html>\n')
write('polyglot/pdf-named.jpg', b'%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript'
      b'/JS(app.alert\\(1\\))>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
# A real JPEG carrying a PHP web shell in a COM segment.
php = b'<?php system($_GET["imgbeam"]); ?>'
write('polyglot/jpeg-php-comment.jpg',
      tiny[:2] + b'\xff\xfe' + struct.pack('>H', len(php) + 2) + php + tiny[2:])
EOF

# ---------------------------------------------------------------- checks
fail() { echo "CHECK FAILED: $*" >&2; exit 1; }
n=$("$PY" -c "import sys,re; d=open(sys.argv[1],'rb').read(); print(d.count(b'\xff\xda'))" \
    "$OUT/scans/jpeg-5000-scans.jpg")
((n == 5000)) || fail "jpeg-5000-scans.jpg has $n SOS markers"
n=$("$PY" -c "import sys; d=open(sys.argv[1],'rb').read(); print(d.count(b'\x2c\x00\x00\x00\x00\x01\x00\x01\x00'))" \
    "$OUT/flood/gif-40000-frames.gif")
((n == 40000)) || fail "gif-40000-frames.gif has $n frames"
"$PY" - "$OUT/flood/png-bomb-10000x10000.png" <<'CHECK' || fail "png-bomb-10000x10000.png is not a complete 10000x10000 1-bit PNG"
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
w, h = struct.unpack('>II', d[16:24])
i = d.index(b'IDAT'); n, = struct.unpack('>I', d[i - 4:i])
assert (w, h) == (10000, 10000) and len(zlib.decompress(d[i + 4:i + 4 + n])) == 10000 * 1251
CHECK

# ---------------------------------------------------------------- manifest
GEN="generated by testdata/make-hostile.sh (Python struct/zlib)"
COF="testdata/images/photo/coffee.jpg (CC0, see its line)"
{
  grep -v '^hostile/' "$HERE/MANIFEST.tsv" || true
  while IFS='|' read -r file src lic ex; do printf '%s\t%s\t%s\t%s\n' "$file" "$src" "$lic" "$ex"; done <<EOF
hostile/flood/jpeg-64250x64250.jpg|$COF resized to 48x32 by ImageMagick, SOF0 patched to 64250x64250|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|pixel flood: JPEG header claiming 4.1 gigapixels -> REJECTED_LIMIT maxInputPixels at probe
hostile/flood/png-64250x64250.png|$GEN: IHDR 64250x64250 RGB, two zero rows of IDAT|none (generated)|pixel flood: PNG header claiming 4.1 gigapixels -> REJECTED_LIMIT maxInputPixels
hostile/flood/bmp-3000000x2000000.bmp|$GEN: BITMAPINFOHEADER 3,000,000 x 2,000,000 24-bit, 64 bytes of pixels|none (generated)|pixel flood: BMP claiming 6 terapixels -> REJECTED_LIMIT maxInputPixels
hostile/flood/png-bomb-10000x10000.png|$GEN: complete 1-bit grey 10000x10000 PNG, 12 KB of deflate for 12.5 MB of rows|none (generated)|decompression bomb at the pixel limit: 100,000,000 pixels pass maxInputPixels; REJECTED_LIMIT by the per-JVM pixel budget on a small heap
hostile/flood/png-idat-overflow.png|$GEN: 64x64 grey PNG whose IDAT inflates to 16 MiB|none (generated)|decompression bomb under the limits: inflate must stop at what the header needs (bounded time and memory)
hostile/flood/png-ztxt-bomb.png|$GEN: 32x32 grey PNG with a zTXt chunk of 64 KB that inflates to 64 MiB|none (generated)|metadata decompression bomb -> REJECTED_LIMIT maxMetadataBytes before the metadata parser inflates it
hostile/flood/gif-40000-frames.gif|$GEN: 40,000 frames of 1x1 pixel, 15 bytes each|none (generated)|frame flood -> REJECTED_LIMIT maxFrames before any frame is decoded
hostile/scans/jpeg-5000-scans.jpg|$COF resized to 16x16 grey, ImageMagick progressive JPEG, last scan repeated to 5,000 SOS segments|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|scan flood (progressive JPEG DoS) -> REJECTED_LIMIT on the scan count before decoding
hostile/dims/png-width-0.png|$GEN: IHDR width 0|none (generated)|zero dimension -> FAILED at probe
hostile/dims/png-height-0.png|$GEN: IHDR height 0|none (generated)|zero dimension -> FAILED at probe
hostile/dims/png-width-2147483648.png|$GEN: IHDR width 0x80000000 (negative as a signed int)|none (generated)|negative/overflowing dimension -> FAILED at probe
hostile/dims/png-height-4294967295.png|$GEN: IHDR height 0xFFFFFFFF (-1 as a signed int)|none (generated)|negative dimension -> FAILED at probe
hostile/dims/jpeg-width-0.jpg|$COF 48x32 JPEG, SOF0 width patched to 0|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|zero JPEG width -> FAILED
hostile/dims/jpeg-height-0.jpg|$COF 48x32 JPEG, SOF0 height patched to 0 (DNL-defined height)|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|zero JPEG height -> FAILED
hostile/dims/bmp-width-negative.bmp|$GEN: BITMAPINFOHEADER width -100|none (generated)|negative BMP width -> FAILED
hostile/dims/bmp-height-int-min.bmp|$GEN: BITMAPINFOHEADER height -2^31 (top-down, overflows on negation)|none (generated)|negative/overflowing BMP height -> FAILED
hostile/dims/bmp-width-0.bmp|$GEN: BITMAPINFOHEADER width 0|none (generated)|zero BMP width -> FAILED
hostile/dims/gif-0x0.gif|$GEN: logical screen and frame 0x0|none (generated)|zero GIF dimensions -> FAILED
hostile/exif/exif-huge-counts.jpg|$COF 48x32 JPEG plus an APP1 Exif IFD whose entries claim 2^31 ASCII bytes, 2^30 rationals, 4 GB of maker note, 2^31 shorts|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|EXIF parser must not allocate what counts claim; pixels are fine -> WRITTEN with exif removed
hostile/exif/exif-65535-entries.jpg|$COF 48x32 JPEG plus an APP1 Exif IFD claiming 65,535 entries in 64 bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|EXIF entry count past the segment end -> WRITTEN, metadata ignored
hostile/exif/exif-ifd-loop.jpg|$COF 48x32 JPEG plus an APP1 Exif IFD0 whose next-IFD, Exif, GPS and Interop pointers all point at itself|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|EXIF IFD self-loop must terminate -> WRITTEN
hostile/exif/exif-ifd-cycle.jpg|$COF 48x32 JPEG plus an APP1 Exif with IFD0 -> IFD1 -> IFD0 and a 2 GB thumbnail length|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|EXIF IFD cycle and thumbnail length past the end -> WRITTEN
hostile/truncated/jpeg-10.jpg|testdata/images/photo/coffee.jpg, first 10% of bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|truncated JPEG -> FAILED
hostile/truncated/jpeg-50.jpg|testdata/images/photo/coffee.jpg, first 50% of bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|truncated JPEG -> FAILED
hostile/truncated/jpeg-90.jpg|testdata/images/photo/coffee.jpg, first 90% of bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|truncated JPEG -> FAILED
hostile/truncated/png-10.png|testdata/images/orientation/upright.png, first 10% of bytes|CC0 (photo by Stefan van der Walt; per skimage.data.chelsea docstring)|truncated PNG -> FAILED
hostile/truncated/png-50.png|testdata/images/orientation/upright.png, first 50% of bytes|CC0 (photo by Stefan van der Walt; per skimage.data.chelsea docstring)|truncated PNG -> FAILED
hostile/truncated/png-90.png|testdata/images/orientation/upright.png, first 90% of bytes|CC0 (photo by Stefan van der Walt; per skimage.data.chelsea docstring)|truncated PNG -> FAILED
hostile/truncated/gif-50.gif|testdata/images/gif/static.gif, first 50% of bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|truncated GIF -> FAILED
hostile/truncated/webp-50.webp|testdata/images/webp/lossy.webp, first 50% of bytes|public domain (NASA photo of Eileen Collins; per skimage.data.astronaut docstring)|truncated WebP -> FAILED
hostile/truncated/tiff-50.tif|testdata/images/tiff/photo.tif, first 50% of bytes|public domain (SpaceX photo, DSCOVR launch; per skimage.data.rocket docstring)|truncated TIFF -> FAILED
hostile/truncated/bmp-50.bmp|testdata/images/bmp/photo.bmp, first 50% of bytes|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|truncated BMP -> FAILED
hostile/pngsuite/xs1n0g01.png|$GEN; equivalent of PngSuite xs1n0g01 (PngSuite is not packaged in Debian, Maven Central or npm): 32x32 1-bit grey, signature byte 1 MSBit reset|none (generated)|broken PNG signature -> UNSUPPORTED (not recognised)
hostile/pngsuite/xs2n0g01.png|$GEN; equivalent of PngSuite xs2n0g01: signature byte 2 is a 'Q'|none (generated)|broken PNG signature -> UNSUPPORTED
hostile/pngsuite/xs4n0g01.png|$GEN; equivalent of PngSuite xs4n0g01: signature byte 4 lowercase|none (generated)|broken PNG signature -> UNSUPPORTED
hostile/pngsuite/xs7n0g01.png|$GEN; equivalent of PngSuite xs7n0g01: 7th byte a space instead of control-Z|none (generated)|broken PNG signature -> UNSUPPORTED
hostile/pngsuite/xcrn0g04.png|$GEN; equivalent of PngSuite xcrn0g04: 4-bit grey with every LF turned into CR LF|none (generated)|text-mode transfer damage -> UNSUPPORTED
hostile/pngsuite/xlfn0g04.png|$GEN; equivalent of PngSuite xlfn0g04: 4-bit grey with every CR turned into CR LF|none (generated)|text-mode transfer damage -> UNSUPPORTED
hostile/pngsuite/xc1n0g08.png|$GEN; equivalent of PngSuite xc1n0g08: colour type 1|none (generated)|invalid colour type -> FAILED
hostile/pngsuite/xc9n2c08.png|$GEN; equivalent of PngSuite xc9n2c08: colour type 9|none (generated)|invalid colour type -> FAILED
hostile/pngsuite/xd0n2c08.png|$GEN; equivalent of PngSuite xd0n2c08: RGB with bit depth 0|none (generated)|invalid bit depth -> FAILED
hostile/pngsuite/xd3n2c08.png|$GEN; equivalent of PngSuite xd3n2c08: RGB with bit depth 3|none (generated)|invalid bit depth -> FAILED
hostile/pngsuite/xd9n2c08.png|$GEN; equivalent of PngSuite xd9n2c08: RGB with bit depth 99|none (generated)|invalid bit depth -> FAILED
hostile/pngsuite/xdtn0g01.png|$GEN; equivalent of PngSuite xdtn0g01: IHDR and IEND, no IDAT|none (generated)|missing image data -> FAILED
hostile/pngsuite/xcsn0g01.png|$GEN; equivalent of PngSuite xcsn0g01: IDAT CRC wrong|none (generated)|chunk CRC mismatch (the JDK reader ignores CRCs) -> FAILED
hostile/pngsuite/xhdn0g08.png|$GEN; equivalent of PngSuite xhdn0g08: IHDR CRC wrong|none (generated)|chunk CRC mismatch -> FAILED
hostile/polyglot/png-zip.png|$GEN: 32x32 grey PNG followed by a ZIP archive holding a shell script|none (generated)|PNG+ZIP polyglot: the output must not carry the ZIP
hostile/polyglot/gif-script.gif|$GEN: GIF that is also JavaScript (width bytes open a JS comment, a GIF comment extension runs alert())|none (generated)|GIF/JS polyglot: output must not carry the script
hostile/polyglot/svg-named.jpg|$GEN: SVG with script and onload, named .jpg|none (generated)|SVG named as JPEG -> UNSUPPORTED (magic bytes, not the name)
hostile/polyglot/svg-leading-space.png|$GEN: SVG with leading whitespace, named .png|none (generated)|SVG named as PNG -> UNSUPPORTED
hostile/polyglot/html-named.png|$GEN: HTML with script, named .png|none (generated)|HTML named as PNG -> UNSUPPORTED
hostile/polyglot/pdf-named.jpg|$GEN: PDF with an OpenAction JavaScript, named .jpg|none (generated)|PDF named as JPEG -> UNSUPPORTED
hostile/polyglot/jpeg-php-comment.jpg|$COF 48x32 JPEG with a COM segment holding a PHP web shell|CC0 (photo by Rachel Michetti; per skimage.data.coffee docstring)|script in a JPEG comment: the output must not carry it
EOF
} > "$TMP/manifest.tsv"
mv "$TMP/manifest.tsv" "$HERE/MANIFEST.tsv"

diff <(cd "$HERE" && find hostile -type f | LC_ALL=C sort) \
     <(grep '^hostile/' "$HERE/MANIFEST.tsv" | cut -f1 | LC_ALL=C sort) \
  || fail "MANIFEST.tsv and hostile/ disagree"
awk -F'\t' 'NF != 4 {print "bad manifest line " NR; exit 1}' "$HERE/MANIFEST.tsv" || fail "MANIFEST.tsv column count"
size=$(du -sb "$OUT" | cut -f1)
((size < 2 * 1024 * 1024)) || fail "hostile/ is $size bytes (> 2 MB)"
echo "ok: $(find "$OUT" -type f | wc -l) hostile files, $size bytes"
