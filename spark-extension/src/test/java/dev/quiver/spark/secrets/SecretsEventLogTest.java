package dev.quiver.spark.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.SecretSettings;
import dev.quiver.spark.testing.QuiverSession;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function secrets never reach the event log, however they are provided, and still reach the
 * function on the executors. Event logging needs a SparkContext of its own, so each case runs
 * {@link EventLogProbe} in a child JVM; this JVM keeps the shared session.
 */
class SecretsEventLogTest extends QuiverSession {
  private static final String PASSWORD = "Pa55-quiver-event-log";
  private static final String TOKEN = "Tok3n-quiver-event-log";

  @TempDir
  Path dir;

  @Test
  void applicationConfigurationAndEnvironmentReachTheFunctionAndNotTheLog() throws Exception {
    String out = probe("application");
    assertTrue(out.contains("RESULT password=" + SecretProbe.sha256(PASSWORD)
        + " token=" + SecretProbe.sha256(TOKEN)), out);
    assertNotLogged();
  }

  @Test
  void sessionSettingsAreRefusedBeforeAnythingIsLogged() throws Exception {
    String out = probe("session");
    assertEquals(2, out.split("REFUSED QUIVER_SECRET_IN_SESSION ", -1).length - 1, out);
    assertTrue(out.contains("RESULT password=none token=" + SecretProbe.sha256(TOKEN)), out);
    assertFalse(out.contains(PASSWORD), "in an error message: " + out);
    assertNotLogged();
  }

  @Test
  void environmentVariableNames() {
    assertEquals("QUIVER_SECRET_SFTP_UPLOAD_PASSWORD",
        SecretSettings.environmentVariable("sftp_upload", "password"));
    assertEquals("QUIVER_SECRET_F_API_KEY", SecretSettings.environmentVariable("f", "api.key"));
  }

  private void assertNotLogged() throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.walk(dir.resolve("events"))) {
      logs = files.filter(Files::isRegularFile).toList();
    }
    assertEquals(1, logs.size(), "one event log: " + logs);
    String log = Files.readString(logs.get(0), StandardCharsets.UTF_8);
    assertTrue(log.contains("SparkListenerJobStart"), "the log holds the query's job");
    assertFalse(log.contains(PASSWORD), "the password is in the event log");
    assertFalse(log.contains(TOKEN), "the token is in the event log");
  }

  private String probe(String mode) throws Exception {
    Path events = Files.createDirectories(dir.resolve("events"));
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EventLogProbe.class.getName());
    command.add(events.toString());
    command.add(mode);
    command.add(PASSWORD);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("probe.out").toFile());
    builder.environment().put(SecretSettings.environmentVariable("secret_probe", "token"), TOKEN);
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the probe did not finish");
    }
    String out = Files.readString(dir.resolve("probe.out"));
    assertEquals(0, process.exitValue(), out);
    return out;
  }
}
