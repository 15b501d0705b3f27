package io.imgbeam.pipeline;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** {@code --help}: every option of {@link ImgbeamOptions} with its default, read from the code. */
final class Help {
  private static final int WIDTH = 78;

  private Help() {}

  static void print(PrintStream out) {
    out.println("Usage: imgbeam --input=GLOB [--input=GLOB ...] --output=FOLDER [options]");
    out.println("       imgbeam report OUTPUT   (rebuild OUTPUT/_imgbeam/report.html from the");
    out.println("                                outcome files of a finished run)");
    out.println();
    out.println("Compresses every image matched and writes, under --output, the same tree of");
    out.println("smaller images, _imgbeam/outcomes-*.avro (one record per input),");
    out.println("_imgbeam/summary.json and _imgbeam/report.html.");
    out.println();
    out.println("Options:");
    Method[] getters = ImgbeamOptions.class.getDeclaredMethods();
    Arrays.sort(getters, Comparator.comparingInt(Help::declarationRank));
    for (Method getter : getters) {
      Description description = getter.getAnnotation(Description.class);
      if (description == null) {
        continue;
      }
      String name = optionName(getter);
      out.println("  --" + name + "=" + valueHint(getter) + "  (" + defaultOf(getter) + ")");
      wrap(out, description.value(), "      ");
    }
    out.println();
    out.println("Engine (Beam's own options):");
    out.println("  --runner=DirectRunner  (default; runs in this JVM on all cores)");
    out.println("  --targetParallelism=N  (DirectRunner: images compressed at once, 1-256;");
    out.println("      imgbeam's default: cores)");
    out.println("  --runner=FlinkRunner --flinkMaster=HOST:PORT --parallelism=N");
    out.println("      (a Flink 1.19 session cluster; see runners/flink/start-cluster.sh)");
  }

  /** Keeps the order the options are declared in the interface source, which is by topic. */
  private static int declarationRank(Method method) {
    String[] order = {
      "getInput",
      "getInputList",
      "getOutput",
      "getFormat",
      "getFormats",
      "getQuality",
      "getJpegEffort",
      "getWebpQuality",
      "getWebpEffort",
      "getWebpLossless",
      "getWebpSharpYuv",
      "getPng",
      "getPngEffort",
      "getPngMinScore",
      "getPngDither",
      "getPngMaxScore",
      "getPngInterlace",
      "getPngCleanTransparent",
      "getAvifQuality",
      "getAvifEffort",
      "getAvifChroma",
      "getAvifBitDepth",
      "getScoreMetric",
      "getTargetScore",
      "getMaxOutputBytes",
      "getMaxEncodes",
      "getMaxInputPixels",
      "getMaxInputBytes",
      "getMaxFrames",
      "getMaxMetadataBytes",
      "getPerImageTimeoutSeconds",
      "getFailOn",
      "getFollowSymlinks",
      "getIncremental",
      "getMetadata",
      "getKeepDates",
      "getIccProfile",
      "getMaxWidth",
      "getMaxHeight",
      "getFit",
      "getGravity",
      "getEnlarge",
      "getProgressSeconds"
    };
    int i = Arrays.asList(order).indexOf(method.getName());
    return i < 0 ? order.length : i;
  }

  private static String optionName(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static String valueHint(Method getter) {
    Class<?> type = getter.getReturnType();
    return switch (optionName(getter)) {
      case "format" -> "same|jpeg|png|webp|avif|auto";
      case "formats" -> "webp,avif,jpeg,png";
      case "avifChroma" -> "420|444";
      case "avifBitDepth" -> "8|10";
      case "metadata" -> "strip|keep-copyright|keep";
      case "iccProfile" -> "srgb|keep";
      case "failOn" -> "warning|error";
      case "png" -> "lossless|lossy|auto";
      case "pngMinScore", "pngDither", "pngMaxScore" -> "0-1";
      case "scoreMetric" -> "ssim|ssimulacra2";
      case "targetScore" -> "METRIC:VALUE";
      case "fit" -> "inside|cover|fill|exact";
      case "gravity" -> "centre|north|...|northwest";
      case "input" -> "GLOB";
      case "inputList" -> "FILE";
      case "output" -> "FOLDER";
      case "progressSeconds" -> "SECONDS";
      default ->
          type == int.class || type == long.class || type == Integer.class
              ? "N"
              : type == boolean.class ? "true|false" : "VALUE";
    };
  }

  private static String defaultOf(Method getter) {
    if (getter.isAnnotationPresent(Validation.Required.class)) {
      return "required";
    }
    Default.String text = getter.getAnnotation(Default.String.class);
    if (text != null) {
      return "default: " + text.value();
    }
    Default.Integer integer = getter.getAnnotation(Default.Integer.class);
    if (integer != null) {
      return "default: " + integer.value();
    }
    Default.Boolean flag = getter.getAnnotation(Default.Boolean.class);
    if (flag != null) {
      return "default: " + flag.value();
    }
    Default.Double decimal = getter.getAnnotation(Default.Double.class);
    if (decimal != null) {
      return "default: " + decimal.value();
    }
    Default.Long number = getter.getAnnotation(Default.Long.class);
    if (number != null) {
      return "default: " + number.value();
    }
    return "optional";
  }

  private static void wrap(PrintStream out, String text, String indent) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > WIDTH && line.length() > indent.length()) {
        out.println(line);
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    out.println(line);
  }
}
