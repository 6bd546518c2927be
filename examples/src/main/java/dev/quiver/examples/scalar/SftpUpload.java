package dev.quiver.examples.scalar;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.scalar.AbstractScalarFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Uploads files to an SFTP server, fanned out across the cluster: one row per file in, one
 * result row per file out. The Java counterpart of the {@code @pandas_udf} upload in the field
 * report this project started from.
 *
 * <pre>{@code
 * SET spark.quiver.function.sftp_upload.host = sftp.example.com;
 * SET spark.quiver.function.sftp_upload.user = uploader;
 * SELECT r.* FROM (
 *   SELECT sftp_upload(local_path, remote_path) AS r FROM manifest DISTRIBUTE BY local_path);
 * }</pre>
 *
 * The password is a secret ({@link FunctionContext#secret}), never a session setting: Spark would
 * write a session setting in clear to the event log, so Quiver refuses queries of a session that
 * sets one. The platform provides it to the executors, either in their environment
 * ({@code QUIVER_SECRET_SFTP_UPLOAD_PASSWORD}, e.g. from a Kubernetes secret or
 * {@code spark.executorEnv.QUIVER_SECRET_SFTP_UPLOAD_PASSWORD}) or in the application's
 * configuration, which Spark redacts wherever it shows it:
 *
 * <pre>{@code
 * spark-submit --conf spark.quiver.function.sftp_upload.secret.password=... ...
 * }</pre>
 *
 * Each task opens one SFTP connection, on its first file, and reuses it for all the files of its
 * partition, so the number of partitions bounds the number of concurrent connections. A failed
 * upload is retried with exponential backoff on a fresh connection. Uploads are idempotent: a
 * file is written under a temporary name and renamed over the target, so whatever makes Spark
 * run a task again (a retry, a speculative copy, the sampling pass of an ORDER BY above it)
 * leaves the file intact and present once.
 *
 * <p>The settings come from the constructor, for an instance registered with
 * {@code Quiver.register}, or else from {@code spark.quiver.function.sftp_upload.*}: {@code host},
 * {@code port} (22), {@code user}, {@code maxAttempts} (3),
 * {@code backoffMillis} (500, doubled after every failed attempt) and {@code timeoutMillis}
 * (30000), and from the secret {@code password}. The host key is not verified; check it in a
 * real deployment.
 */
public final class SftpUpload extends AbstractScalarFunction {
  private static final long serialVersionUID = 1L;
  static final String PREFIX = "spark.quiver.function.sftp_upload.";

  private final Settings configured;
  private transient Settings settings;
  private transient SshClient client;
  private transient ClientSession session;
  private transient SftpClient sftp;

  /** Reads its settings from the Spark configuration when a task opens it. */
  public SftpUpload() {
    this(null);
  }

  /** Uses these settings; the instance is serialized to the executors with them. */
  public SftpUpload(Settings settings) {
    super("sftp_upload", "struct<file:string,status:string,error:string,size_bytes:bigint,"
        + "duration_sec:double,attempt:int>", "string", "string");
    this.configured = settings;
  }

  /** Where to upload and how hard to try. */
  public record Settings(String host, int port, String user, String password, int maxAttempts,
      long backoffMillis, long timeoutMillis) implements Serializable {
    /** Without the password, which must not reach a log through a message or a plan. */
    @Override
    public String toString() {
      return "Settings[host=" + host + ", port=" + port + ", user=" + user + ", password="
          + (password == null ? "none" : "(redacted)") + ", maxAttempts=" + maxAttempts
          + ", backoffMillis=" + backoffMillis + ", timeoutMillis=" + timeoutMillis + "]";
    }
  }

  @Override
  public String description() {
    return "Uploads the local file to the remote path over SFTP, retrying with exponential "
        + "backoff; returns file, status ('ok' or 'failed'), error, size_bytes, duration_sec "
        + "and attempt.";
  }

  /** Uploading has side effects: it must run exactly once per row. */
  @Override
  public boolean isDeterministic() {
    return false;
  }

  @Override
  public void open(FunctionContext context) {
    settings = configured != null ? configured : new Settings(
        required(context, "host"),
        Integer.parseInt(context.conf(PREFIX + "port", "22")),
        required(context, "user"),
        context.secret("password"),
        Integer.parseInt(context.conf(PREFIX + "maxAttempts", "3")),
        Long.parseLong(context.conf(PREFIX + "backoffMillis", "500")),
        Long.parseLong(context.conf(PREFIX + "timeoutMillis", "30000")));
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
  }

  private static String required(FunctionContext context, String key) {
    String value = context.conf(PREFIX + key, null);
    if (value == null) {
      throw new IllegalArgumentException("set " + PREFIX + key);
    }
    return value;
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
    VarCharVector localPaths = (VarCharVector) args.getVector(0);
    VarCharVector remotePaths = (VarCharVector) args.getVector(1);
    int rows = args.getRowCount();
    Results out = new Results(allocator, rows);
    for (int i = 0; i < rows; i++) {
      String local = localPaths.isNull(i) ? null : new String(localPaths.get(i),
          StandardCharsets.UTF_8);
      String remote = remotePaths.isNull(i) ? null : new String(remotePaths.get(i),
          StandardCharsets.UTF_8);
      out.set(i, uploadWithRetry(local, remote));
    }
    return out.finish(rows);
  }

  /** The outcome of one file. */
  record Outcome(String file, String status, String error, long sizeBytes, double durationSec,
      int attempt) {}

  private Outcome uploadWithRetry(String local, String remote) {
    long start = System.nanoTime();
    if (local == null || remote == null) {
      return new Outcome(local, "failed", "local_path and remote_path must not be null", 0, 0, 0);
    }
    Path path = Path.of(local);
    String file = path.getFileName().toString();
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      return new Outcome(file, "failed", "cannot read local file: " + e, 0, seconds(start), 0);
    }
    String error = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      try {
        upload(path, remote, size);
        return new Outcome(file, "ok", null, size, seconds(start), attempt);
      } catch (IOException | RuntimeException e) {
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
        disconnect(); // a broken session is not reused
        if (attempt < settings.maxAttempts() && !sleep(settings.backoffMillis() << (attempt - 1))) {
          break;
        }
      }
    }
    return new Outcome(file, "failed", error, size, seconds(start), settings.maxAttempts());
  }

  private void upload(Path local, String remote, long size) throws IOException {
    SftpClient client = connection();
    String partial = remote + ".quiver-part";
    try (OutputStream out = client.write(partial)) {
      Files.copy(local, out);
    }
    OpenSSHPosixRenameExtension rename = client.getExtension(OpenSSHPosixRenameExtension.class);
    if (rename != null && rename.isSupported()) {
      rename.posixRename(partial, remote); // atomic replace
    } else {
      try {
        client.remove(remote);
      } catch (SftpException e) {
        if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
          throw e;
        }
      }
      client.rename(partial, remote);
    }
    long uploaded = client.stat(remote).getSize();
    if (uploaded != size) {
      throw new IOException("uploaded " + uploaded + " bytes of " + size);
    }
  }

  private SftpClient connection() throws IOException {
    if (sftp == null || !sftp.isOpen()) {
      Duration timeout = Duration.ofMillis(settings.timeoutMillis());
      session = client.connect(settings.user(), settings.host(), settings.port())
          .verify(timeout).getSession();
      if (settings.password() != null) {
        session.addPasswordIdentity(settings.password());
      }
      session.auth().verify(timeout);
      sftp = SftpClientFactory.instance().createSftpClient(session);
    }
    return sftp;
  }

  private void disconnect() {
    closeQuietly(sftp);
    closeQuietly(session);
    sftp = null;
    session = null;
  }

  @Override
  public void close() throws IOException {
    disconnect();
    if (client != null) {
      client.stop();
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    if (resource != null) {
      try {
        resource.close();
      } catch (Exception ignored) {
        // the connection is being dropped anyway
      }
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the task was killed: stop retrying
      return false;
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** The struct vector of results, filled row by row. */
  private static final class Results {
    private final StructVector struct;
    private final VarCharVector file;
    private final VarCharVector status;
    private final VarCharVector error;
    private final BigIntVector sizeBytes;
    private final Float8Vector durationSec;
    private final IntVector attempt;

    Results(BufferAllocator allocator, int rows) {
      struct = StructVector.empty("sftp_upload", allocator);
      file = struct.addOrGet("file", FieldType.nullable(ArrowType.Utf8.INSTANCE),
          VarCharVector.class);
      status = struct.addOrGet("status", FieldType.nullable(ArrowType.Utf8.INSTANCE),
          VarCharVector.class);
      error = struct.addOrGet("error", FieldType.nullable(ArrowType.Utf8.INSTANCE),
          VarCharVector.class);
      sizeBytes = struct.addOrGet("size_bytes", FieldType.nullable(new ArrowType.Int(64, true)),
          BigIntVector.class);
      durationSec = struct.addOrGet("duration_sec", FieldType.nullable(
          new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), Float8Vector.class);
      attempt = struct.addOrGet("attempt", FieldType.nullable(new ArrowType.Int(32, true)),
          IntVector.class);
      struct.setInitialCapacity(rows);
      struct.allocateNew();
    }

    void set(int i, Outcome o) {
      struct.setIndexDefined(i);
      setString(file, i, o.file());
      setString(status, i, o.status());
      setString(error, i, o.error());
      sizeBytes.setSafe(i, o.sizeBytes());
      durationSec.setSafe(i, o.durationSec());
      attempt.setSafe(i, o.attempt());
    }

    private static void setString(VarCharVector vector, int i, String value) {
      if (value == null) {
        vector.setNull(i);
      } else {
        vector.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
      }
    }

    FieldVector finish(int rows) {
      for (FieldVector child : struct.getChildrenFromFields()) {
        child.setValueCount(rows);
      }
      struct.setValueCount(rows);
      return struct;
    }
  }

}
