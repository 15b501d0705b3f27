package io.imgbeam.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real entry point (the bundled jar) in a network namespace of its own, whose only interface is
 * loopback ({@code unshare -rn}: a new user and network namespace, no privileges needed beyond
 * those): the job must need no network to succeed. Any connection it tried to make beyond this
 * machine would fail there, and so would the job.
 */
class NoNetworkIT {
  @TempDir Path dir;

  @Test
  void runsWithNoNetworkButLoopback() throws Exception {
    Path jar = Path.of(System.getProperty("imgbeam.bundledJar"));
    assertTrue(Files.isRegularFile(jar), "no bundled jar at " + jar);
    Path out = dir.resolve("out");
    Path log = dir.resolve("log.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Inside: bring loopback up, prove nothing else exists, then run the job.
    String script =
        "ip link set lo up && "
            + "if ip -o link | grep -v ': lo:'; then echo 'NETWORK VISIBLE'; exit 97; fi && "
            + "echo \"interfaces: $(ip -o link | cut -d: -f2 | tr -d ' ' | tr '\\n' ' ')\" && "
            + "exec \"$0\" -jar \"$1\" --input=\"$2\" --output=\"$3\" --metadata=keep-copyright";
    Process process =
        new ProcessBuilder(
                "unshare",
                "-rn",
                "sh",
                "-c",
                script,
                java,
                jar.toString(),
                TestData.images() + "/**",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the job did not finish in 5 minutes");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("interfaces: lo "), output);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("_imgbeam/summary.json").toFile());
    assertEquals(TestData.allImages().size(), summary.get("inputs").asInt(), output);
    assertTrue(summary.get("by_status").get("WRITTEN").asInt() > 10, output);
    assertTrue(Files.isRegularFile(out.resolve("privacy/camera.jpg")), output);
  }
}
