package io.imgbeam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.imgbeam.testing.ExifTool;
import io.imgbeam.testing.ExifTool.Field;
import io.imgbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every metadata policy, checked with exiftool ({@code exiftool -a -G1 -s}) on every output: each
 * input of the privacy corpus and the other metadata-laden samples, through every output format, at
 * quality 80 (re-encoded outputs) and 100 (mostly kept originals, whose re-encoding is larger).
 */
class MetadataPolicyTest {
  private static final List<String> INPUTS =
      List.of(
          "privacy/camera.jpg",
          "privacy/camera.png",
          "privacy/camera.webp",
          "photo/astronaut-gps.jpg",
          "png/text-chunks.png",
          "orientation/orientation-6.jpg",
          "gif/animated.gif",
          "colour/p3.jpg");

  /** Groups that describe the file itself, its pixels or its colour, never a person. */
  private static final Set<String> STRUCTURAL_GROUPS =
      Set.of(
          "ExifTool",
          "System",
          "File",
          "JFIF",
          "Composite",
          "RIFF",
          "GIF",
          "APP14",
          "Adobe",
          "ICC_Profile",
          "ICC-header",
          "ICC-view",
          "ICC-meas",
          "ICC-chrm");

  /** PNG-group tags from IHDR and the colour chunks; text and time tags are metadata. */
  /** What exiftool reads from an AVIF's boxes that describes the image, not its origin. */
  private static final Set<String> AVIF_STRUCTURAL =
      Set.of(
          "AV1ConfigurationVersion",
          "ChromaFormat",
          "ChromaSamplePosition",
          "ColorPrimaries",
          "ColorProfiles",
          "CompatibleBrands",
          "HandlerDescription",
          "HandlerType",
          "ImagePixelDepth",
          "ImageSpatialExtent",
          "MajorBrand",
          "MatrixCoefficients",
          "MediaDataOffset",
          "MediaDataSize",
          "MinorVersion",
          "TransferCharacteristics",
          "VideoFullRangeFlag",
          "AuxiliaryImageType",
          "PrimaryItemReference");

  private static final Set<String> PNG_STRUCTURAL =
      Set.of(
          "ImageWidth",
          "ImageHeight",
          "BitDepth",
          "ColorType",
          "Compression",
          "Filter",
          "Interlace",
          "Palette",
          "Transparency",
          "Gamma",
          "SRGBRendering",
          "ProfileName",
          "PixelsPerUnitX",
          "PixelsPerUnitY",
          "PixelUnits",
          "WhitePointX",
          "WhitePointY",
          "RedX",
          "RedY",
          "GreenX",
          "GreenY",
          "BlueX",
          "BlueY",
          "BackgroundColor");

  /** What keep-copyright may write, by group; dates only with keepDates. */
  private static final Map<String, Set<String>> RIGHTS =
      Map.of(
          "IFD0", Set.of("Artist", "Copyright", "Orientation"),
          "XMP-x", Set.of("XMPToolkit"),
          "XMP-dc", Set.of("Creator", "Rights"),
          "XMP-xmpRights", Set.of("Marked", "Owner", "UsageTerms", "WebStatement", "Certificate"),
          "XMP-photoshop", Set.of("Credit"),
          "IPTC", Set.of("By-line", "CopyrightNotice", "Credit", "ApplicationRecordVersion"),
          "PNG", Set.of("Copyright", "Author"));

  private static final Map<String, Set<String>> DATES =
      Map.of(
          "IFD0", Set.of("ModifyDate"),
          "ExifIFD",
              Set.of(
                  "ExifVersion",
                  "DateTimeOriginal",
                  "CreateDate",
                  "OffsetTimeOriginal",
                  "SubSecTimeOriginal"),
          "XMP-xmp", Set.of("CreateDate", "ModifyDate", "MetadataDate"),
          "XMP-photoshop", Set.of("DateCreated"),
          "IPTC", Set.of("DateCreated", "TimeCreated"),
          "PNG", Set.of("ModifyDate", "CreationTime"));

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} keepDates={1}")
  @CsvSource({"strip, false", "keep-copyright, false", "keep-copyright, true", "keep, false"})
  void exiftoolFindsExactlyWhatThePolicyKeeps(String policyName, boolean keepDates)
      throws IOException {
    MetadataPolicy policy = MetadataPolicy.parse(policyName);
    Map<String, Output> outputs = new TreeMap<>();
    for (String input : INPUTS) {
      for (OutputFormat format : OutputFormat.values()) {
        for (int quality : new int[] {80, 100}) {
          CompressionSettings settings =
              CompressionSettings.create()
                  .withMetadata(policy)
                  .withKeepDates(keepDates)
                  .withOutputFormat(format)
                  .withJpegQuality(quality);
          CompressionResult result = ImageCompressor.of(settings).compress(TestData.bytes(input));
          if (result.output().isEmpty()) {
            if (result.status() == Status.FAILED
                && format == OutputFormat.AVIF
                && policy != MetadataPolicy.STRIP) {
              // AVIF outputs carry no metadata: a policy that keeps some refuses AVIF.
              assertEquals(Status.FAILED, result.status(), input + " " + result);
              assertTrue(
                  result.errorMessage().orElseThrow().contains("cannot carry the metadata"),
                  result.toString());
            } else {
              assertEquals(Status.UNSUPPORTED, result.status(), input + " " + result);
            }
            continue;
          }
          String name =
              input.replace('/', '_')
                  + "-"
                  + format.optionName()
                  + "-q"
                  + quality
                  + "."
                  + result.outputFormat().orElseThrow().recordName();
          Files.write(dir.resolve(name), result.output().orElseThrow());
          outputs.put(name, new Output(input, result));
        }
      }
    }
    Map<String, List<Field>> found = ExifTool.read(dir);
    assertEquals(outputs.keySet(), found.keySet());
    Set<Status> statuses =
        outputs.values().stream().map(o -> o.result.status()).collect(Collectors.toSet());
    assertEquals(Set.of(Status.WRITTEN, Status.KEPT_ORIGINAL), statuses);

    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Output> entry : outputs.entrySet()) {
      String name = entry.getKey();
      Output output = entry.getValue();
      List<Field> fields = found.get(name);
      String raw = new String(output.result.output().orElseThrow(), StandardCharsets.ISO_8859_1);
      for (Field field : fields) {
        if (field.group().equals("IFD1")
            || field.name().contains("Thumbnail")
            || field.name().equals("PreviewImage")
            || field.name().equals("Warning")
            || field.name().equals("Error")) {
          problems.add(name + ": " + field);
        }
        if (policy != MetadataPolicy.KEEP && !allowed(policy, keepDates, field)) {
          problems.add(name + ": " + field + " not allowed by " + policyName);
        }
      }
      if (policy != MetadataPolicy.KEEP && raw.contains("PRIVATE")) {
        problems.add(name + ": the bytes contain a PRIVATE value");
      }
      if (policy == MetadataPolicy.STRIP && raw.contains("RIGHTS")) {
        problems.add(name + ": the bytes contain a RIGHTS value");
      }
      checkOrientation(name, output, fields, problems);
      if (output.input.startsWith("privacy/")) {
        checkKept(policy, keepDates, name, output, fields, problems);
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " problems:\n" + String.join("\n", problems));
    }
  }

  private static boolean allowed(MetadataPolicy policy, boolean keepDates, Field field) {
    if (STRUCTURAL_GROUPS.contains(field.group())) {
      return true;
    }
    if (field.group().equals("PNG") && PNG_STRUCTURAL.contains(field.name())) {
      return true;
    }
    if ((field.group().equals("QuickTime") || field.group().equals("Meta"))
        && AVIF_STRUCTURAL.contains(field.name())) {
      return true;
    }
    // A kept original keeps its orientation tag, whatever the policy.
    if (field.group().equals("IFD0") && field.name().equals("Orientation")) {
      return true;
    }
    if (policy == MetadataPolicy.STRIP) {
      return false;
    }
    return listed(RIGHTS, field) || (keepDates && listed(DATES, field));
  }

  private static boolean listed(Map<String, Set<String>> fields, Field field) {
    Set<String> names = fields.get(field.group());
    return names != null && names.contains(field.name());
  }

  /** Re-encoded pixels are upright: no orientation but 1. A kept original keeps its own. */
  private static void checkOrientation(
      String name, Output output, List<Field> fields, List<String> problems) {
    for (Field field : fields) {
      if (field.name().equals("Orientation")) {
        boolean normal = field.value().equals("Horizontal (normal)");
        boolean original = output.result.status() == Status.KEPT_ORIGINAL;
        if (!original && !normal) {
          problems.add(name + ": re-encoded output declares " + field);
        }
        if (original
            && (output.input.endsWith("camera.jpg") || output.input.endsWith("camera.webp"))
            && field.group().equals("IFD0")
            && !field.value().equals("Rotate 90 CW")) {
          problems.add(name + ": kept original lost its orientation: " + field);
        }
      }
    }
  }

  private static void checkKept(
      MetadataPolicy policy,
      boolean keepDates,
      String name,
      Output output,
      List<Field> fields,
      List<String> problems) {
    List<String> expected = new ArrayList<>();
    boolean jpegToJpeg =
        output.input.endsWith(".jpg") && output.result.outputFormat().get() == ImageFormat.JPEG;
    boolean pngToPng =
        output.input.endsWith(".png") && output.result.outputFormat().get() == ImageFormat.PNG;
    switch (policy) {
      case STRIP -> {}
      case KEEP_COPYRIGHT -> {
        expected.addAll(
            List.of(
                "IFD0 Artist",
                "IFD0 Copyright",
                "XMP-dc Rights",
                "XMP-dc Creator",
                "XMP-xmpRights UsageTerms",
                "XMP-photoshop Credit"));
        if (jpegToJpeg) {
          expected.addAll(List.of("IPTC CopyrightNotice", "IPTC By-line", "IPTC Credit"));
        }
        if (pngToPng) {
          expected.addAll(List.of("PNG Copyright", "PNG Author"));
        }
        if (keepDates) {
          expected.addAll(List.of("ExifIFD DateTimeOriginal", "XMP-xmp CreateDate"));
        }
      }
      case KEEP -> {
        expected.addAll(
            List.of(
                "GPS GPSLatitude",
                "ExifIFD SerialNumber",
                "ExifIFD LensSerialNumber",
                "ExifIFD OwnerName",
                "ExifIFD ImageUniqueID",
                "IFD0 HostComputer",
                "XMP-mwg-rs RegionName",
                "XMP-MP RegionPersonDisplayName",
                "XMP-iptcExt PersonInImage",
                "XMP-xmpMM HistoryAction",
                "XMP-aux SerialNumber",
                "XMP-photoshop City"));
        if (jpegToJpeg) {
          expected.addAll(List.of("IPTC City", "File Comment"));
        }
        if (pngToPng) {
          expected.addAll(List.of("PNG Comment", "PNG ModifyDate"));
        }
      }
    }
    for (String want : expected) {
      String[] parts = want.split(" ");
      if (fields.stream().noneMatch(f -> f.group().equals(parts[0]) && f.name().equals(parts[1]))) {
        problems.add(name + ": " + policy.optionName() + " lost [" + parts[0] + "] " + parts[1]);
      }
    }
    if (policy == MetadataPolicy.KEEP_COPYRIGHT && !keepDates) {
      assertFalse(
          fields.stream().anyMatch(f -> f.value().startsWith("2024:05:06")),
          name + " keeps a date without keepDates");
    }
  }

  private record Output(String input, CompressionResult result) {}
}
