package io.imgbeam.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MetadataStripperTest {

  /** Strings planted in private metadata; none may survive stripping. */
  private static final List<String> SECRETS =
      List.of(
          "SecretCam",
          "SN-SECRET-12345",
          "Owner Secret Name",
          "XmpSecretTool",
          "IptcSecretByline",
          "CommentSecret",
          "BetweenScansSecret",
          "MpfSecret",
          "TrailerSecret",
          "PngTextSecret",
          "PngXmpSecret",
          "PrivateSecret",
          "GifCommentSecret",
          "GifXmpSecret",
          "XMP DataXMP",
          "WebpXmpSecret");

  @Nested
  class Jpeg {
    private static final Set<Integer> KEPT_MARKERS =
        Set.of(0xD8, 0xC0, 0xC2, 0xC4, 0xDA, 0xDB, 0xDD, 0xD9, -1);

    @Test
    void dropsPrivateSegmentsAndKeepsImageSegmentsByteForByte() throws IOException {
      byte[] input = withPrivateSegments(encodeJpeg(testImage(40, 30), false, 0));
      assertHasSecrets(
          input,
          "SecretCam",
          "SN-SECRET-12345",
          "Owner Secret Name",
          "MpfSecret",
          "XmpSecretTool",
          "IptcSecretByline",
          "CommentSecret",
          "TrailerSecret");

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

      List<Segment> in = jpegSegments(input);
      List<Segment> out = jpegSegments(output);
      List<Segment> expected = new ArrayList<>();
      for (Segment s : in) {
        if (KEPT_MARKERS.contains(s.marker())
            || (s.marker() == 0xE0 && s.startsWith(4, "JFIF\0"))
            || (s.marker() == 0xE2 && s.startsWith(4, "ICC_PROFILE\0"))
            || (s.marker() == 0xEE && s.startsWith(4, "Adobe"))) {
          expected.add(s);
        }
      }
      assertEquals(expected, out);
      assertTrue(out.stream().anyMatch(s -> s.marker() == 0xE2), "ICC profile kept");
      assertTrue(out.stream().anyMatch(s -> s.marker() == 0xEE), "Adobe APP14 kept");
      assertNoSecrets(output);
      assertFalse(contains(output, "Exif\0\0"), "no Exif block for orientation 1");
      assertSamePixels(input, output);
    }

    @Test
    void keepsRestartMarkersInsideScanData() throws IOException {
      byte[] input = withPrivateSegments(encodeJpeg(testImage(64, 48), false, 1));
      List<Segment> in = jpegSegments(input);
      assertTrue(in.stream().anyMatch(s -> s.marker() == 0xDD), "test image has DRI");
      Segment scan = in.stream().filter(s -> s.marker() == -1).findFirst().orElseThrow();
      assertTrue(containsRestartMarker(scan.bytes()), "test image has RST markers");

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

      assertTrue(jpegSegments(output).contains(scan), "scan data copied byte for byte");
      assertNoSecrets(output);
      assertSamePixels(input, output);
    }

    @Test
    void appliesTheSameRulesBetweenProgressiveScans() throws IOException {
      byte[] jpeg = withPrivateSegments(encodeJpeg(testImage(40, 30), true, 0));
      // Put a comment and an APP1 before the second SOS, where progressive encoders put DHTs.
      List<Segment> segments = new ArrayList<>(jpegSegments(jpeg));
      int secondSos = indexOfNth(segments, s -> s.marker() == 0xDA, 2);
      segments.add(secondSos, segment(0xFE, "BetweenScansSecret"));
      segments.add(secondSos, segment(0xE1, "Exif\0\0MM\0*SecretCam"));
      byte[] input = concat(segments);

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

      List<Segment> out = jpegSegments(output);
      assertTrue(out.stream().filter(s -> s.marker() == 0xDA).count() > 2, "progressive");
      assertFalse(out.stream().anyMatch(s -> s.marker() == 0xFE || s.marker() == 0xE1));
      assertNoSecrets(output);
      assertSamePixels(input, output);
    }

    @Test
    void writesMinimalExifAfterJfifWhenOrientationIsNotOne() throws IOException {
      byte[] input = withPrivateSegments(encodeJpeg(testImage(40, 30), false, 0));

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 6);

      List<Segment> out = jpegSegments(output);
      assertEquals(0xD8, out.get(0).marker());
      assertTrue(out.get(1).marker() == 0xE0 && out.get(1).startsWith(4, "JFIF\0"));
      assertArrayEquals(app1(expectedOrientationExif(6)), out.get(2).bytes());
      assertEquals(1, out.stream().filter(s -> s.marker() == 0xE1).count());
      assertNoSecrets(output);
      assertSamePixels(input, output);
    }

    @Test
    void writesExifRightAfterSoiWhenThereIsNoJfif() throws IOException {
      List<Segment> segments =
          new ArrayList<>(jpegSegments(encodeJpeg(testImage(16, 16), false, 0)));
      segments.removeIf(s -> s.marker() == 0xE0);
      byte[] input = concat(segments);

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 8);

      List<Segment> out = jpegSegments(output);
      assertArrayEquals(app1(expectedOrientationExif(8)), out.get(1).bytes());
      assertEquals(segments.subList(1, segments.size()), out.subList(2, out.size()));
    }

    @Test
    void removesJfifThumbnail() throws IOException {
      List<Segment> segments =
          new ArrayList<>(jpegSegments(encodeJpeg(testImage(16, 16), false, 0)));
      assertEquals(0xE0, segments.get(1).marker());
      byte[] jfif = segments.get(1).bytes();
      ByteArrayOutputStream thumbnailed = new ByteArrayOutputStream();
      thumbnailed.write(0xFF);
      thumbnailed.write(0xE0);
      thumbnailed.write(0);
      thumbnailed.write(16 + 6);
      thumbnailed.write(jfif, 4, 12);
      thumbnailed.write(new byte[] {2, 1, 1, 2, 3, 4, 5, 6}, 0, 8);
      segments.set(1, new Segment(0xE0, thumbnailed.toByteArray()));
      byte[] input = concat(segments);

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

      byte[] expected = jfif.clone();
      expected[16] = 0;
      expected[17] = 0;
      assertArrayEquals(expected, jpegSegments(output).get(1).bytes());
      assertSamePixels(input, output);
    }

    @Test
    void rejectsBrokenStructure() throws IOException {
      byte[] jpeg = encodeJpeg(testImage(40, 30), false, 0);
      assertThrowsMessage(
          "truncated JPEG",
          () -> MetadataStripper.strip(Arrays.copyOf(jpeg, 25), ImageFormat.JPEG, 1));
      assertThrowsMessage(
          "truncated JPEG",
          () -> MetadataStripper.strip(Arrays.copyOf(jpeg, jpeg.length / 2), ImageFormat.JPEG, 1));
      assertThrowsMessage(
          "truncated JPEG",
          () -> MetadataStripper.strip(Arrays.copyOf(jpeg, jpeg.length - 2), ImageFormat.JPEG, 1));
      assertThrowsMessage(
          "not a JPEG",
          () ->
              MetadataStripper.strip(
                  Arrays.copyOfRange(jpeg, 2, jpeg.length), ImageFormat.JPEG, 1));
      assertThrowsMessage(
          "not a JPEG", () -> MetadataStripper.strip(new byte[0], ImageFormat.JPEG, 1));
    }

    private byte[] withPrivateSegments(byte[] jpeg) throws IOException {
      List<Segment> segments = new ArrayList<>(jpegSegments(jpeg));
      assertEquals(0xE0, segments.get(1).marker(), "ImageIO writes JFIF first");
      byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
      List<Segment> extra =
          List.of(
              segment(0xE1, concat(ascii("Exif\0\0"), exifWithGps())),
              segment(
                  0xE1,
                  "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
                      + "<rdf:Description xmp:CreatorTool='XmpSecretTool'/></x:xmpmeta>"),
              segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, icc)),
              segment(0xE2, "MPF\0MM\0*MpfSecret"),
              segment(0xED, concat(ascii("Photoshop 3.0\0"), iptc("IptcSecretByline"))),
              segment(0xEE, concat(ascii("Adobe"), new byte[] {0, 100, 0, 0, 0, 0, 1})),
              segment(0xEF, "APP15 CommentSecret"),
              segment(0xFE, "CommentSecret"));
      segments.addAll(2, extra);
      // A trailer after EOI, like the secondary image of an MPF file.
      segments.add(segment(0xE1, "TrailerSecret"));
      return concat(segments);
    }
  }

  @Nested
  class Png {
    private static final Set<String> PRIVATE =
        Set.of("tEXt", "zTXt", "iTXt", "eXIf", "tIME", "prIv");

    @Test
    void dropsPrivateChunksAndKeepsTheRestByteForByte() throws IOException {
      byte[] input = withPrivateChunks(encodePng(testImage(20, 10)));
      assertHasSecrets(input, "SecretCam", "PngTextSecret", "PngXmpSecret", "PrivateSecret");

      byte[] output = MetadataStripper.strip(input, ImageFormat.PNG, 1);

      List<Chunk> in = pngChunks(input);
      List<Chunk> expected = new ArrayList<>(in);
      expected.removeIf(c -> PRIVATE.contains(c.type()));
      assertEquals(expected, pngChunks(output));
      assertTrue(expected.stream().anyMatch(c -> c.type().equals("sRGB")));
      assertTrue(expected.stream().anyMatch(c -> c.type().equals("pHYs")));
      assertNoSecrets(output);
      assertSamePixels(input, output);
    }

    @Test
    void writesExifChunkBeforeFirstIdatWhenOrientationIsNotOne() throws IOException {
      byte[] input = withPrivateChunks(encodePng(testImage(20, 10)));

      byte[] output = MetadataStripper.strip(input, ImageFormat.PNG, 3);

      List<Chunk> out = pngChunks(output);
      int firstIdat = indexOfNth(out, c -> c.type().equals("IDAT"), 1);
      Chunk exif = out.get(firstIdat - 1);
      assertEquals("eXIf", exif.type());
      assertArrayEquals(expectedOrientationExif(3), exif.data());
      assertEquals(1, out.stream().filter(c -> c.type().equals("eXIf")).count());
      assertTrue(out.stream().allMatch(Chunk::crcIsValid), "every chunk has a valid CRC");
      assertNoSecrets(output);
      assertSamePixels(input, output);
    }

    @Test
    void rejectsBrokenStructure() throws IOException {
      byte[] png = withPrivateChunks(encodePng(testImage(20, 10)));
      assertThrowsMessage(
          "truncated PNG",
          () -> MetadataStripper.strip(Arrays.copyOf(png, 40), ImageFormat.PNG, 1));
      assertThrowsMessage(
          "truncated PNG",
          () -> MetadataStripper.strip(Arrays.copyOf(png, png.length - 12), ImageFormat.PNG, 1));
      byte[] badSignature = png.clone();
      badSignature[1] = 'X';
      assertThrowsMessage(
          "not a PNG", () -> MetadataStripper.strip(badSignature, ImageFormat.PNG, 1));
    }

    private byte[] withPrivateChunks(byte[] png) throws IOException {
      List<Chunk> chunks = new ArrayList<>(pngChunks(png));
      assertEquals("IHDR", chunks.get(0).type());
      chunks.removeIf(
          c -> !c.type().equals("IHDR") && !c.type().equals("IDAT") && !c.type().equals("IEND"));
      Deflater deflater = new Deflater();
      deflater.setInput(ascii("PngTextSecret in a compressed comment"));
      deflater.finish();
      byte[] compressed = new byte[200];
      int compressedLength = deflater.deflate(compressed);
      deflater.end();
      List<Chunk> extra =
          List.of(
              chunk("sRGB", new byte[] {0}),
              chunk("pHYs", new byte[] {0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1}),
              chunk("tEXt", ascii("Author\0PngTextSecret")),
              chunk(
                  "zTXt",
                  concat(ascii("Comment\0\0"), Arrays.copyOf(compressed, compressedLength))),
              chunk(
                  "iTXt", ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>PngXmpSecret</x:xmpmeta>")),
              chunk("eXIf", exifWithGps()),
              chunk("tIME", new byte[] {0x07, (byte) 0xE8, 5, 17, 12, 30, 0}),
              chunk("prIv", ascii("PrivateSecret")));
      chunks.addAll(1, extra);
      // Text after the image data is legal too.
      chunks.add(chunks.size() - 1, chunk("tEXt", ascii("Comment\0CommentSecret")));
      return pngFile(chunks);
    }
  }

  @Nested
  class Gif {
    @Test
    void dropsCommentsAndXmpButKeepsAnimationAndColourBlocks() throws IOException {
      byte[] gif = encodeGif(testIndexedImage(16, 12, 0), testIndexedImage(16, 12, 1));
      List<byte[]> blocks = new ArrayList<>(gifBlocks(gif));
      int firstImage = indexOfNth(blocks, b -> (b[0] & 0xFF) == 0x2C, 1);
      List<byte[]> kept =
          List.of(
              gifExtension(0xFF, ascii("NETSCAPE2.0"), new byte[] {1, 0, 0}),
              gifExtension(0xFF, ascii("ICCRGBG1012"), ascii("not really a profile")));
      List<byte[]> dropped =
          List.of(
              gifExtension(0xFE, ascii("GifCommentSecret")),
              gifExtension(
                  0xFF,
                  ascii("XMP DataXMP"),
                  ascii("<x:xmpmeta>GifXmpSecret</x:xmpmeta>"),
                  ascii("more XMP in a second sub-block")));
      blocks.addAll(1, dropped);
      blocks.addAll(1, kept);
      blocks.add(blocks.size() - 1, gifExtension(0xFE, ascii("GifCommentSecret at the end")));
      byte[] input = concatBytes(blocks);
      assertHasSecrets(input, "GifCommentSecret", "GifXmpSecret");

      byte[] output = MetadataStripper.strip(input, ImageFormat.GIF, 6);

      List<byte[]> expected = new ArrayList<>(gifBlocks(gif));
      expected.addAll(1, kept);
      assertBlocksEqual(expected, gifBlocks(output));
      assertTrue(firstImage > 0);
      assertNoSecrets(output);
      assertSamePixels(input, output);
      assertEquals(2, frameCount(output));
    }

    @Test
    void rejectsTruncatedData() throws IOException {
      byte[] gif = encodeGif(testIndexedImage(16, 12, 0));
      assertThrowsMessage(
          "truncated GIF",
          () -> MetadataStripper.strip(Arrays.copyOf(gif, gif.length - 1), ImageFormat.GIF, 1));
      assertThrowsMessage(
          "truncated GIF",
          () -> MetadataStripper.strip(Arrays.copyOf(gif, 20), ImageFormat.GIF, 1));
      assertThrowsMessage(
          "not a GIF", () -> MetadataStripper.strip(ascii("GIF90a"), ImageFormat.GIF, 1));
    }
  }

  @Nested
  class WebP {
    // A VP8L signature byte and header for a 16x16 image followed by dummy bits; odd length so
    // that the pad byte logic is exercised. Never decoded: the JDK has no WebP reader.
    private final byte[] vp8l = {0x2F, 0x0F, (byte) 0xC0, 0x03, 0x00, 0x11, 0x22};
    private final byte[] iccp = ascii("fake ICC");
    private final byte[] xmp = ascii("<x:xmpmeta>WebpXmpSecret</x:xmpmeta>");

    @Test
    void dropsExifAndXmpAndUnknownChunksAndClearsTheirFlags() throws IOException {
      byte[] input =
          riff(
              webpChunk("VP8X", vp8x(0x20 | 0x08 | 0x04)),
              webpChunk("ICCP", iccp),
              webpChunk("VP8L", vp8l),
              webpChunk("EXIF", exifWithGps()),
              webpChunk("XMP ", xmp),
              webpChunk("ZZZZ", ascii("PrivateSecret")));

      byte[] output = MetadataStripper.strip(input, ImageFormat.WEBP, 1);

      assertArrayEquals(
          riff(webpChunk("VP8X", vp8x(0x20)), webpChunk("ICCP", iccp), webpChunk("VP8L", vp8l)),
          output);
      assertEquals(List.of("VP8X", "ICCP", "VP8L"), webpChunkTypes(output));
      assertNoSecrets(output);
    }

    @Test
    void writesExifChunkAndFlagWhenOrientationIsNotOne() throws IOException {
      byte[] input =
          riff(webpChunk("VP8X", vp8x(0x04)), webpChunk("XMP ", xmp), webpChunk("VP8L", vp8l));

      byte[] output = MetadataStripper.strip(input, ImageFormat.WEBP, 5);

      assertArrayEquals(
          riff(
              webpChunk("VP8X", vp8x(0x08)),
              webpChunk("VP8L", vp8l),
              webpChunk("EXIF", expectedOrientationExif(5))),
          output);
    }

    @Test
    void ignoresOrientationForSimpleFormat() throws IOException {
      byte[] input = riff(webpChunk("VP8L", vp8l), webpChunk("EXIF", exifWithGps()));

      byte[] output = MetadataStripper.strip(input, ImageFormat.WEBP, 6);

      assertArrayEquals(riff(webpChunk("VP8L", vp8l)), output);
    }

    @Test
    void rejectsBrokenStructure() {
      byte[] webp = riff(webpChunk("VP8X", vp8x(0)), webpChunk("VP8L", vp8l));
      assertThrowsMessage(
          "truncated WebP",
          () -> MetadataStripper.strip(Arrays.copyOf(webp, webp.length - 1), ImageFormat.WEBP, 1));
      byte[] chunkTooLong = webp.clone();
      chunkTooLong[12 + 8 + 10 + 4] = 100;
      assertThrowsMessage(
          "truncated WebP", () -> MetadataStripper.strip(chunkTooLong, ImageFormat.WEBP, 1));
      assertThrowsMessage(
          "not a WebP",
          () -> MetadataStripper.strip(ascii("RIFF\4\0\0\0WAVE"), ImageFormat.WEBP, 1));
    }

    private byte[] vp8x(int flags) {
      return new byte[] {(byte) flags, 0, 0, 0, 15, 0, 0, 15, 0, 0};
    }
  }

  /**
   * The checked-in images made by testdata/make-testdata.sh. A missing file fails the test rather
   * than skipping it, so that a broken checkout cannot pass unnoticed.
   */
  @Nested
  class TestData {
    @Test
    void astronautLosesExifXmpIptcCommentAndThumbnail() throws IOException {
      byte[] input = testImage("photo/astronaut-gps.jpg");
      List<Segment> in = jpegSegments(input);
      assertTrue(in.stream().anyMatch(s -> s.marker() == 0xE1 && s.startsWith(4, "Exif\0\0")));
      assertTrue(
          in.stream().anyMatch(s -> s.marker() == 0xE1 && s.startsWith(4, "http://ns.adobe")));
      assertTrue(in.stream().anyMatch(s -> s.marker() == 0xED));
      assertTrue(in.stream().anyMatch(s -> s.marker() == 0xFE));

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

      List<Segment> out = jpegSegments(output);
      for (Segment s : out) {
        assertTrue(
            Set.of(0xD8, 0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA, -1, 0xD9, 0xE2, 0xEE)
                .contains(s.marker()),
            "unexpected segment " + s);
      }
      for (String text : List.of("Exif", "http://ns.adobe.com", "Photoshop 3.0", "8BIM", "GPS")) {
        assertFalse(contains(output, text), "output still contains " + text);
      }
      List<Segment> scans = in.stream().filter(s -> s.marker() == -1).toList();
      assertEquals(scans, out.stream().filter(s -> s.marker() == -1).toList());
      assertSameRasters(input, output);
      assertSamePixels(input, output);
    }

    @Test
    void orientedJpegGetsMinimalExif() throws IOException {
      byte[] input = testImage("orientation/orientation-6.jpg");

      byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 6);

      List<Segment> out = jpegSegments(output);
      List<Segment> app1 = out.stream().filter(s -> s.marker() == 0xE1).toList();
      assertEquals(List.of(new Segment(0xE1, app1(expectedOrientationExif(6)))), app1);
      assertSameRasters(input, output);
    }

    @Test
    void cmykAndYcckJpegsKeepIccProfileAndAdobeSegment() throws IOException {
      for (String name : List.of("colour/cmyk.jpg", "colour/ycck.jpg")) {
        byte[] input = testImage(name);
        Predicate<Segment> colour =
            s ->
                (s.marker() == 0xE2 && s.startsWith(4, "ICC_PROFILE\0"))
                    || (s.marker() == 0xEE && s.startsWith(4, "Adobe"));
        List<Segment> expected = jpegSegments(input).stream().filter(colour).toList();
        assertTrue(expected.size() >= 2, name + " has ICC and Adobe segments");

        byte[] output = MetadataStripper.strip(input, ImageFormat.JPEG, 1);

        assertEquals(expected, jpegSegments(output).stream().filter(colour).toList(), name);
        // The JDK's JPEG reader cannot open these CMYK profiles, so instead of decoding, check
        // that every frame, table and scan segment came through unchanged.
        Predicate<Segment> image =
            s -> Set.of(0xC0, 0xC1, 0xC2, 0xC4, 0xDA, 0xDB, 0xDD, -1).contains(s.marker());
        assertEquals(
            jpegSegments(input).stream().filter(image).toList(),
            jpegSegments(output).stream().filter(image).toList(),
            name);
      }
    }

    @Test
    void textChunksPngLosesTextTimeXmpAndExif() throws IOException {
      byte[] input = testImage("png/text-chunks.png");
      Set<String> privateTypes = Set.of("tEXt", "zTXt", "iTXt", "tIME", "eXIf");
      List<Chunk> in = pngChunks(input);
      assertTrue(in.stream().map(Chunk::type).toList().containsAll(privateTypes));

      byte[] output = MetadataStripper.strip(input, ImageFormat.PNG, 1);

      List<Chunk> expected = new ArrayList<>(in);
      expected.removeIf(c -> privateTypes.contains(c.type()));
      assertEquals(expected, pngChunks(output));
      assertSamePixels(input, output);
    }

    @Test
    void animatedGifLosesCommentButKeepsLoopAndFrames() throws IOException {
      byte[] input = testImage("gif/animated.gif");
      assertTrue(gifBlocks(input).stream().anyMatch(b -> b[0] == 0x21 && (b[1] & 0xFF) == 0xFE));

      byte[] output = MetadataStripper.strip(input, ImageFormat.GIF, 1);

      List<byte[]> blocks = gifBlocks(output);
      assertFalse(blocks.stream().anyMatch(b -> b[0] == 0x21 && (b[1] & 0xFF) == 0xFE));
      assertTrue(contains(output, "NETSCAPE2.0"), "loop count kept");
      List<byte[]> expected = new ArrayList<>(gifBlocks(input));
      // ImageMagick also writes an "ImageMagick" application extension (gamma), which goes too.
      expected.removeIf(
          b ->
              b[0] == 0x21
                  && ((b[1] & 0xFF) == 0xFE
                      || ((b[1] & 0xFF) == 0xFF && !startsWith(b, 3, "NETSCAPE2.0"))));
      assertBlocksEqual(expected, blocks);
      assertSamePixels(input, output);
    }

    @Test
    void webpKeepsImageChunks() throws IOException {
      for (String name : List.of("webp/lossy.webp", "webp/lossless.webp")) {
        byte[] input = testImage(name);

        byte[] output = MetadataStripper.strip(input, ImageFormat.WEBP, 1);

        List<String> expected = new ArrayList<>(webpChunkTypes(input));
        expected.removeIf(t -> t.equals("EXIF") || t.equals("XMP "));
        assertEquals(expected, webpChunkTypes(output), name);
        assertTrue(expected.contains("VP8 ") || expected.contains("VP8L"), name);
        if (expected.equals(webpChunkTypes(input))) {
          assertArrayEquals(input, output, name + " had nothing to strip");
        }
      }
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
      byte[] jpeg = testImage("bad/truncated.jpg");
      assertThrowsMessage(
          "truncated JPEG", () -> MetadataStripper.strip(jpeg, ImageFormat.JPEG, 1));
      byte[] png = testImage("bad/truncated.png");
      assertThrowsMessage("truncated PNG", () -> MetadataStripper.strip(png, ImageFormat.PNG, 1));
    }

    private byte[] testImage(String name) {
      return io.imgbeam.testing.TestData.bytes(name);
    }
  }

  @Test
  void rejectsFormatsThatCannotBeStrippedLosslessly() {
    for (ImageFormat format : ImageFormat.values()) {
      if (Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.GIF, ImageFormat.WEBP)
          .contains(format)) {
        continue;
      }
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> MetadataStripper.strip(new byte[16], format, 1));
      assertEquals("cannot strip metadata losslessly from " + format, e.getMessage());
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Image builders

  private static BufferedImage testImage(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int alpha = 255 - (x * 7 + y * 3) % 200;
        image.setRGB(x, y, alpha << 24 | (x * 6) << 16 | (y * 8) << 8 | ((x ^ y) * 16 & 0xFF));
      }
    }
    return image;
  }

  private static BufferedImage testIndexedImage(int width, int height, int phase) {
    byte[] r = {0, (byte) 255, 0, 0};
    byte[] g = {0, 0, (byte) 255, 0};
    byte[] b = {0, 0, 0, (byte) 255};
    BufferedImage image =
        new BufferedImage(
            width, height, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x / 3 + y / 2 + phase) % 4);
      }
    }
    return image;
  }

  /** Encodes a baseline or progressive JPEG, with a restart interval when it is not 0. */
  private static byte[] encodeJpeg(BufferedImage argb, boolean progressive, int restartInterval)
      throws IOException {
    BufferedImage rgb =
        new BufferedImage(argb.getWidth(), argb.getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(argb, 0, 0, null);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(rgb), param);
    if (restartInterval > 0) {
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
      IIOMetadataNode sequence =
          (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      IIOMetadataNode dri = new IIOMetadataNode("dri");
      dri.setAttribute("interval", Integer.toString(restartInterval));
      sequence.insertBefore(dri, sequence.getFirstChild());
      metadata.setFromTree(format, root);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(rgb, null, metadata), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static byte[] encodePng(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "png", bytes));
    return bytes.toByteArray();
  }

  private static byte[] encodeGif(BufferedImage... frames) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage frame : frames) {
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * A little-endian TIFF whose IFD0 carries camera, owner and a pointer to a GPS IFD and an Exif
   * IFD with a serial number: the kind of block a phone writes.
   */
  private static byte[] exifWithGps() {
    byte[] make = ascii("SecretCam\0");
    byte[] artist = ascii("Owner Secret Name\0");
    byte[] serial = ascii("SN-SECRET-12345\0");
    int ifd0 = 8;
    int exifIfd = ifd0 + 2 + 5 * 12 + 4;
    int gpsIfd = exifIfd + 2 + 12 + 4;
    int dataStart = gpsIfd + 2 + 2 * 12 + 4;
    int makeAt = dataStart;
    int artistAt = makeAt + make.length;
    int serialAt = artistAt + artist.length;
    int latitudeAt = serialAt + serial.length;
    Le tiff = new Le();
    tiff.bytes(ascii("II")).u16(42).u32(ifd0);
    tiff.u16(5);
    tiff.entry(0x010F, 2, make.length, makeAt);
    tiff.entry(0x0112, 3, 1, 6);
    tiff.entry(0x013B, 2, artist.length, artistAt);
    tiff.entry(0x8769, 4, 1, exifIfd);
    tiff.entry(0x8825, 4, 1, gpsIfd);
    tiff.u32(0);
    tiff.u16(1);
    tiff.entry(0xA431, 2, serial.length, serialAt);
    tiff.u32(0);
    tiff.u16(2);
    tiff.entry(0x0001, 2, 2, 'N');
    tiff.entry(0x0002, 5, 3, latitudeAt);
    tiff.u32(0);
    tiff.bytes(make).bytes(artist).bytes(serial);
    tiff.u32(48).u32(1).u32(51).u32(1).u32(2959).u32(100);
    return tiff.toByteArray();
  }

  /** A Photoshop image resource block holding one IPTC By-line dataset. */
  private static byte[] iptc(String byline) {
    byte[] text = ascii(byline);
    ByteArrayOutputStream iptc = new ByteArrayOutputStream();
    iptc.write(0x1C);
    iptc.write(2);
    iptc.write(80);
    iptc.write(text.length >> 8);
    iptc.write(text.length);
    iptc.writeBytes(text);
    byte[] data = iptc.toByteArray();
    ByteArrayOutputStream resource = new ByteArrayOutputStream();
    resource.writeBytes(ascii("8BIM"));
    resource.writeBytes(new byte[] {0x04, 0x04, 0, 0});
    resource.writeBytes(new byte[] {0, 0, (byte) (data.length >> 8), (byte) data.length});
    resource.writeBytes(data);
    if (data.length % 2 == 1) {
      resource.write(0);
    }
    return resource.toByteArray();
  }

  /** The TIFF block the stripper must write: big-endian, IFD0 with only the orientation. */
  private static byte[] expectedOrientationExif(int orientation) {
    return new byte[] {
      'M',
      'M',
      0,
      42,
      0,
      0,
      0,
      8,
      0,
      1,
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      (byte) orientation,
      0,
      0,
      0,
      0,
      0,
      0
    };
  }

  private static byte[] app1(byte[] tiff) {
    return segment(0xE1, concat(ascii("Exif\0\0"), tiff)).bytes();
  }

  // -----------------------------------------------------------------------------------------------
  // Container helpers, written independently of the class under test

  /** A JPEG marker segment with its marker; marker -1 is the entropy-coded data after an SOS. */
  private record Segment(int marker, byte[] bytes) {
    boolean startsWith(int offset, String prefix) {
      byte[] p = ascii(prefix);
      return bytes.length >= offset + p.length
          && Arrays.equals(bytes, offset, offset + p.length, p, 0, p.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Segment s && s.marker == marker && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return 31 * marker + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return String.format("%02X[%d]", marker, bytes.length);
    }
  }

  private static Segment segment(int marker, String payload) {
    return segment(marker, ascii(payload));
  }

  private static Segment segment(int marker, byte[] payload) {
    int length = payload.length + 2;
    return new Segment(
        marker,
        concat(
            new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload));
  }

  /** Splits a JPEG into segments; whatever follows EOI is returned as one last pseudo-segment. */
  private static List<Segment> jpegSegments(byte[] jpeg) {
    List<Segment> segments = new ArrayList<>();
    int pos = 0;
    while (pos < jpeg.length) {
      assertEquals(0xFF, jpeg[pos] & 0xFF, "marker expected at " + pos);
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xD8 || marker == 0xD9) {
        segments.add(new Segment(marker, Arrays.copyOfRange(jpeg, pos, pos + 2)));
        pos += 2;
        if (marker == 0xD9 && pos < jpeg.length) {
          segments.add(new Segment(0x100, Arrays.copyOfRange(jpeg, pos, jpeg.length)));
          break;
        }
        continue;
      }
      int end = pos + 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
      segments.add(new Segment(marker, Arrays.copyOfRange(jpeg, pos, end)));
      pos = end;
      if (marker == 0xDA) {
        int scanEnd = pos;
        while (!((jpeg[scanEnd] & 0xFF) == 0xFF
            && jpeg[scanEnd + 1] != 0
            && ((jpeg[scanEnd + 1] & 0xFF) < 0xD0 || (jpeg[scanEnd + 1] & 0xFF) > 0xD7))) {
          scanEnd++;
        }
        segments.add(new Segment(-1, Arrays.copyOfRange(jpeg, pos, scanEnd)));
        pos = scanEnd;
      }
    }
    return segments;
  }

  private static boolean containsRestartMarker(byte[] scan) {
    for (int i = 0; i + 1 < scan.length; i++) {
      if ((scan[i] & 0xFF) == 0xFF
          && (scan[i + 1] & 0xFF) >= 0xD0
          && (scan[i + 1] & 0xFF) <= 0xD7) {
        return true;
      }
    }
    return false;
  }

  private record Chunk(String type, byte[] data, int crc) {
    boolean crcIsValid() {
      return crc == pngCrc(type, data);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Chunk c
          && c.type.equals(type)
          && Arrays.equals(c.data, data)
          && c.crc == crc;
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return type + "[" + data.length + "]";
    }
  }

  private static Chunk chunk(String type, byte[] data) {
    return new Chunk(type, data, pngCrc(type, data));
  }

  private static int pngCrc(String type, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(ascii(type));
    crc.update(data);
    return (int) crc.getValue();
  }

  private static List<Chunk> pngChunks(byte[] png) {
    List<Chunk> chunks = new ArrayList<>();
    int pos = 8;
    while (pos < png.length) {
      int length = beInt(png, pos);
      String type = new String(png, pos + 4, 4, ISO_8859_1);
      byte[] data = Arrays.copyOfRange(png, pos + 8, pos + 8 + length);
      chunks.add(new Chunk(type, data, beInt(png, pos + 8 + length)));
      pos += 12 + length;
    }
    return chunks;
  }

  private static byte[] pngFile(List<Chunk> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    for (Chunk c : chunks) {
      out.writeBytes(beBytes(c.data().length));
      out.writeBytes(ascii(c.type()));
      out.writeBytes(c.data());
      out.writeBytes(beBytes(c.crc()));
    }
    return out.toByteArray();
  }

  /** Splits a GIF into header+screen+global table, then one array per block, then the trailer. */
  private static List<byte[]> gifBlocks(byte[] gif) {
    List<byte[]> blocks = new ArrayList<>();
    int packed = gif[10] & 0xFF;
    int pos = 13 + ((packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0);
    blocks.add(Arrays.copyOf(gif, pos));
    while (true) {
      int start = pos;
      int type = gif[pos] & 0xFF;
      if (type == 0x3B) {
        blocks.add(new byte[] {0x3B});
        return blocks;
      }
      if (type == 0x2C) {
        int local = gif[pos + 9] & 0xFF;
        pos += 10 + ((local & 0x80) != 0 ? 3 << ((local & 7) + 1) : 0) + 1;
      } else {
        assertEquals(0x21, type, "GIF block at " + pos);
        pos += 2;
      }
      while (gif[pos] != 0) {
        pos += 1 + (gif[pos] & 0xFF);
      }
      pos++;
      blocks.add(Arrays.copyOfRange(gif, start, pos));
    }
  }

  private static byte[] gifExtension(int label, byte[]... subBlocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x21);
    out.write(label);
    for (byte[] block : subBlocks) {
      out.write(block.length);
      out.writeBytes(block);
    }
    out.write(0);
    return out.toByteArray();
  }

  private static void assertBlocksEqual(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "number of GIF blocks");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "GIF block " + i);
    }
  }

  private static byte[] webpChunk(String fourCc, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii(fourCc));
    out.writeBytes(new Le().u32(payload.length).toByteArray());
    out.writeBytes(payload);
    if (payload.length % 2 == 1) {
      out.write(0);
    }
    return out.toByteArray();
  }

  private static byte[] riff(byte[]... chunks) {
    byte[] body = concat(chunks);
    return concat(ascii("RIFF"), new Le().u32(4 + body.length).toByteArray(), ascii("WEBP"), body);
  }

  private static List<String> webpChunkTypes(byte[] webp) {
    List<String> types = new ArrayList<>();
    int pos = 12;
    while (pos < webp.length) {
      types.add(new String(webp, pos, 4, US_ASCII));
      int size = (webp[pos + 4] & 0xFF) | (webp[pos + 5] & 0xFF) << 8;
      pos += 8 + size + (size & 1);
    }
    return types;
  }

  // -----------------------------------------------------------------------------------------------
  // Assertions and small utilities

  private static void assertSamePixels(byte[] expectedFile, byte[] actualFile) throws IOException {
    int frames = frameCount(expectedFile);
    assertEquals(frames, frameCount(actualFile), "frame count");
    for (int i = 0; i < frames; i++) {
      BufferedImage expected = decode(expectedFile, i);
      BufferedImage actual = decode(actualFile, i);
      assertEquals(expected.getWidth(), actual.getWidth());
      assertEquals(expected.getHeight(), actual.getHeight());
      int w = expected.getWidth();
      int h = expected.getHeight();
      assertArrayEquals(
          expected.getRGB(0, 0, w, h, null, 0, w),
          actual.getRGB(0, 0, w, h, null, 0, w),
          "pixels of frame " + i);
    }
  }

  /** Compares the decoded samples before any colour conversion, which also works for CMYK. */
  private static void assertSameRasters(byte[] expectedFile, byte[] actualFile) throws IOException {
    Raster expected = decodeRaster(expectedFile);
    Raster actual = decodeRaster(actualFile);
    assertEquals(expected.getWidth(), actual.getWidth());
    assertEquals(expected.getHeight(), actual.getHeight());
    assertEquals(expected.getNumBands(), actual.getNumBands());
    int w = expected.getWidth();
    int h = expected.getHeight();
    assertArrayEquals(
        expected.getPixels(0, 0, w, h, (int[]) null), actual.getPixels(0, 0, w, h, (int[]) null));
  }

  private static Raster decodeRaster(byte[] file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in);
        return reader.readRaster(0, null);
      } finally {
        reader.dispose();
      }
    }
  }

  private static int frameCount(byte[] file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in);
        return reader.getNumImages(true);
      } finally {
        reader.dispose();
      }
    }
  }

  private static BufferedImage decode(byte[] file, int index) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in);
        BufferedImage image = reader.read(index);
        assertNotNull(image);
        return image;
      } finally {
        reader.dispose();
      }
    }
  }

  private static void assertHasSecrets(byte[] data, String... secrets) {
    for (String secret : secrets) {
      assertTrue(contains(data, secret), "test input lacks \"" + secret + "\"");
    }
  }

  private static void assertNoSecrets(byte[] data) {
    for (String secret : SECRETS) {
      assertFalse(contains(data, secret), "output still contains \"" + secret + "\"");
    }
  }

  private interface Strip {
    void run() throws IOException;
  }

  private static void assertThrowsMessage(String prefix, Strip strip) {
    IOException e = assertThrows(IOException.class, strip::run);
    assertTrue(
        e.getMessage().startsWith(prefix),
        "message \"" + e.getMessage() + "\" should start with \"" + prefix + "\"");
  }

  private static boolean startsWith(byte[] data, int offset, String prefix) {
    byte[] p = ascii(prefix);
    return data.length >= offset + p.length
        && Arrays.equals(data, offset, offset + p.length, p, 0, p.length);
  }

  private static boolean contains(byte[] data, String text) {
    byte[] needle = ascii(text);
    outer:
    for (int i = 0; i + needle.length <= data.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static <T> int indexOfNth(List<T> list, Predicate<T> test, int n) {
    int seen = 0;
    for (int i = 0; i < list.size(); i++) {
      if (test.test(list.get(i)) && ++seen == n) {
        return i;
      }
    }
    throw new AssertionError("fewer than " + n + " matching elements in " + list);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] concatBytes(List<byte[]> parts) {
    return concat(parts.toArray(new byte[0][]));
  }

  private static byte[] concat(List<Segment> segments) {
    return concatBytes(segments.stream().map(Segment::bytes).toList());
  }

  private static int beInt(byte[] data, int pos) {
    return (data[pos] & 0xFF) << 24
        | (data[pos + 1] & 0xFF) << 16
        | (data[pos + 2] & 0xFF) << 8
        | (data[pos + 3] & 0xFF);
  }

  private static byte[] beBytes(int value) {
    return new byte[] {
      (byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value
    };
  }

  /** A little-endian byte writer for hand-built TIFF and RIFF structures. */
  private static final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Le bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Le u16(int v) {
      out.write(v);
      out.write(v >> 8);
      return this;
    }

    Le u32(long v) {
      u16((int) v);
      return u16((int) (v >> 16));
    }

    /** An IFD entry; {@code value} is the inline value (left-justified) or an offset. */
    Le entry(int tag, int type, int count, int value) {
      u16(tag).u16(type).u32(count);
      if (type == 3 || (type == 2 && count <= 2)) {
        return u16(value).u16(0);
      }
      return u32(value);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
