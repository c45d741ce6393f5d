package dev.failover.core.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a Cloud SDK emulator from its jar (not through gcloud, whose Java child outlives a kill)
 * on a free loopback port, waits for the port, and stops it by its process. The SDK is found
 * through {@code CLOUDSDK_ROOT}, then {@code gcloud info}, then {@code /usr/lib/google-cloud-sdk}.
 * Without an SDK the test fails and says so: CI must not pass by skipping.
 */
public final class Emulator implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Emulator(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static Emulator firestore() throws IOException, InterruptedException {
    Path jar = sdkRoot().resolve("platform/cloud-firestore-emulator/cloud-firestore-emulator.jar");
    int port = freePort();
    return start(
        List.of(
            java(),
            "-Duser.language=en",
            "-Xmx512m",
            "-cp",
            jar.toString(),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
            "start",
            "--host=127.0.0.1",
            "--port=" + port),
        port,
        "firestore");
  }

  public static Emulator pubsub() throws IOException, InterruptedException {
    Path dir = sdkRoot().resolve("platform/pubsub-emulator/lib");
    Path jar;
    try (var files = Files.list(dir)) {
      jar =
          files
              .filter(p -> p.getFileName().toString().matches("cloud-pubsub-emulator-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IOException("no pubsub emulator jar in " + dir));
    }
    int port = freePort();
    return start(
        List.of(java(), "-Xmx512m", "-jar", jar.toString(), "--host=127.0.0.1", "--port=" + port),
        port,
        "pubsub");
  }

  private static Emulator start(List<String> command, int port, String name)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("emulator-" + name, ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IOException(name + " emulator exited: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Emulator(p, port, log);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException(
        name + " emulator did not open port " + port + " within 60 s: " + Files.readString(log));
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a leftover log in the temp folder
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path sdkRoot() throws IOException, InterruptedException {
    String env = System.getenv("CLOUDSDK_ROOT");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Path.of(env);
    }
    try {
      Process p =
          new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() == 0 && !out.isEmpty() && new File(out).isDirectory()) {
        return Path.of(out);
      }
    } catch (IOException noGcloud) {
      // try the Debian location
    }
    Path debian = Path.of("/usr/lib/google-cloud-sdk");
    if (Files.isDirectory(debian)) {
      return debian;
    }
    List<String> tried =
        new ArrayList<>(List.of("CLOUDSDK_ROOT", "gcloud info", debian.toString()));
    throw new IOException(
        "no Google Cloud SDK with emulators found (tried " + tried + "); install google-cloud-cli");
  }
}
