package dev.quiver.examples.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload fan-out against an embedded SFTP server on loopback. */
class SftpUploadTest extends QuiverSession {
  private static final int FILES = 12;
  private static SshServer server;
  private static Path remoteRoot;
  private static Path localRoot;
  /** How many more times the server refuses to open each file, by file name. */
  private static final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
  private static final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void startServer(@TempDir Path temp) throws IOException {
    remoteRoot = Files.createDirectories(temp.resolve("remote"));
    localRoot = Files.createDirectories(temp.resolve("local"));
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(temp.resolve("hostkey.ser")));
    server.setPasswordAuthenticator((user, password, session) -> {
      sessions.add(session);
      return "uploader".equals(user) && "s3cret".equals(password);
    });
    server.setFileSystemFactory(new VirtualFileSystemFactory(remoteRoot));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    sftp.addSftpEventListener(new SftpEventListener() {
      @Override
      public void opening(ServerSession session, String remoteHandle, Handle localHandle)
          throws IOException {
        String name = localHandle.getFile().getFileName().toString().replace(".quiver-part", "");
        AtomicInteger left = refusals.get(name);
        if (left != null && left.getAndDecrement() > 0) {
          throw new IOException("disk quota exceeded (simulated)");
        }
      }
    });
    server.setSubsystemFactories(List.of(sftp));
    server.start();
    Random random = new Random(42);
    for (int i = 0; i < FILES; i++) {
      byte[] content = new byte[1000 + random.nextInt(200_000)];
      random.nextBytes(content);
      Files.write(localRoot.resolve("part-" + i + ".csv"), content);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.stop(true);
  }

  @BeforeEach
  void clean() throws IOException {
    refusals.clear();
    sessions.clear();
    try (Stream<Path> files = Files.list(remoteRoot)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
  }

  private Dataset<Row> manifest(int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      rows.add(RowFactory.create(localRoot.resolve("part-" + i + ".csv").toString(),
          "/part-" + i + ".csv"));
    }
    StructType schema = new StructType()
        .add("local_path", DataTypes.StringType)
        .add("remote_path", DataTypes.StringType);
    return spark().createDataFrame(rows, schema).repartition(partitions);
  }

  private void assertAllArrivedIntactOnce() throws IOException {
    try (Stream<Path> files = Files.list(remoteRoot)) {
      Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertEquals(FILES, names.size(), names.toString());
    }
    for (int i = 0; i < FILES; i++) {
      assertArrayEquals(Files.readAllBytes(localRoot.resolve("part-" + i + ".csv")),
          Files.readAllBytes(remoteRoot.resolve("part-" + i + ".csv")), "part-" + i);
    }
  }

  @Test
  void uploadsEveryFileWithSettingsFromTheSparkConfiguration() throws IOException {
    spark().conf().set(SftpUpload.PREFIX + "host", "127.0.0.1");
    spark().conf().set(SftpUpload.PREFIX + "port", String.valueOf(server.getPort()));
    spark().conf().set(SftpUpload.PREFIX + "user", "uploader");
    manifest(3).createOrReplaceTempView("manifest");
    // No ORDER BY: its range partitioner samples the input, which would run the uploads twice.
    String query = "SELECT r.* FROM (SELECT sftp_upload(local_path, remote_path) AS r "
        + "FROM manifest)";
    String secret = SftpUpload.PREFIX + "secret.password";
    // The password is a secret: in the session Spark would log it, so queries are refused...
    spark().conf().set(secret, "s3cret");
    try {
      analysisError(query, "QUIVER_SECRET_IN_SESSION", "46110");
    } finally {
      spark().conf().unset(secret);
    }
    // ... it comes from the application's configuration, as spark-submit --conf gives it.
    SparkEnv.get().conf().set(secret, "s3cret");
    List<Row> results;
    try {
      results = spark().sql(query).collectAsList();
    } finally {
      SparkEnv.get().conf().remove(secret);
    }
    assertEquals(FILES, results.size());
    for (Row row : results) {
      assertEquals("ok", row.getAs("status"), row.toString());
      assertEquals(1, (int) row.getAs("attempt"), row.toString());
    }
    assertAllArrivedIntactOnce();
    assertTrue(sessions.size() <= 3, "one connection per task, got " + sessions.size());
  }

  @Test
  void retriesWithBackoffWhenTheServerFailsTheFirstAttempts() throws IOException {
    refusals.put("part-1.csv", new AtomicInteger(1));
    refusals.put("part-5.csv", new AtomicInteger(2));
    refusals.put("part-7.csv", new AtomicInteger(5)); // more than the attempts allowed
    Quiver.register(spark(), "sftp_upload_flaky", new SftpUpload(new SftpUpload.Settings(
        "127.0.0.1", server.getPort(), "uploader", "s3cret", 3, 20, 10_000)));
    try {
      Dataset<Row> results = manifest(2).selectExpr(
          "sftp_upload_flaky(local_path, remote_path) AS r").select("r.*");
      Map<String, Row> byFile = results.collectAsList().stream()
          .collect(Collectors.toMap(r -> r.getAs("file"), r -> r));
      assertEquals(FILES, byFile.size());
      assertEquals(2, (int) byFile.get("part-1.csv").getAs("attempt"));
      assertEquals(3, (int) byFile.get("part-5.csv").getAs("attempt"));
      Row failed = byFile.get("part-7.csv");
      assertEquals("failed", failed.getAs("status"));
      assertTrue(((String) failed.getAs("error")).startsWith("SftpException"), failed.toString());
      assertEquals(FILES - 1, byFile.values().stream()
          .filter(r -> "ok".equals(r.getAs("status"))).count());

      // Rerunning is idempotent: the failed file now goes through, the others are overwritten.
      refusals.clear();
      assertEquals(FILES, results.collectAsList().stream()
          .filter(r -> "ok".equals(r.getAs("status"))).count());
      assertAllArrivedIntactOnce();
    } finally {
      spark().sql("DROP TEMPORARY FUNCTION sftp_upload_flaky");
    }
  }

  @Test
  void missingSettingsFailNamingTheFunctionAndTheKey() {
    spark().conf().unset(SftpUpload.PREFIX + "host");
    manifest(1).createOrReplaceTempView("manifest_no_host");
    String message = failureOf(() -> spark().sql(
        "SELECT sftp_upload(local_path, remote_path) FROM manifest_no_host").collectAsList());
    assertTrue(message.contains("Quiver function 'sftp_upload' failed in open: "
        + "IllegalArgumentException: set spark.quiver.function.sftp_upload.host"), message);
  }
}
