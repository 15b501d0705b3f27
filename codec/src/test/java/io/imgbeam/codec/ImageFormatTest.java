package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.imgbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageFormatTest {
  @ParameterizedTest
  @CsvSource({
    "photo/coffee.jpg, JPEG",
    "colour/cmyk.jpg, JPEG",
    "png/rgba.png, PNG",
    "gif/animated.gif, GIF",
    "webp/lossy.webp, WEBP",
    "webp/lossless.webp, WEBP",
    "tiff/photo.tif, TIFF",
    "bmp/photo.bmp, BMP",
    "bad/not-an-image.jpg, UNKNOWN",
    "bad/empty.jpg, UNKNOWN",
  })
  void sniffsTheMagicBytesNotTheName(String file, ImageFormat expected) {
    assertEquals(expected, ImageFormat.sniff(TestData.bytes(file)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<svg xmlns='http://www.w3.org/2000/svg'/>|SVG",
        "  <?xml version='1.0'?><svg/>|SVG",
        "%PDF-1.7|PDF",
        "<html>|UNKNOWN",
      })
  void recognisesFormatsItDoesNotDecode(String head, ImageFormat expected) {
    assertEquals(expected, ImageFormat.sniff(head.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @ParameterizedTest
  @CsvSource({"avif, AVIF", "heic, HEIF", "mif1, HEIF", "isom, UNKNOWN"})
  void readsTheIsoBrand(String brand, ImageFormat expected) {
    byte[] head = new byte[16];
    byte[] box = ("\0\0\0\u0018ftyp" + brand).getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(box, 0, head, 0, box.length);
    assertEquals(expected, ImageFormat.sniff(head));
  }
}
