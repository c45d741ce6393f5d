package dev.failover.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Figures the reliability suites report ({@code key=value} lines in {@code
 * target/reliability.txt}); {@code .ci/run} adds them up across modules into the summary line:
 * scenarios passed, faults injected, bad inputs tried, updates lost, unaudited writes.
 */
public final class Reliability {
  private Reliability() {}

  public static synchronized void count(String key, long value) {
    try {
      Path f = Path.of("target", "reliability.txt");
      Files.createDirectories(f.getParent());
      Files.writeString(
          f,
          key + "=" + value + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
