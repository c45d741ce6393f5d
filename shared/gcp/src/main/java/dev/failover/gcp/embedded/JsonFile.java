package dev.failover.gcp.embedded;

import dev.failover.core.port.TransientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Function;

/**
 * A text file changed under an exclusive lock (a sibling {@code .lock} file, so several processes
 * can share it) and replaced atomically (write a temporary file, then rename over), so a reader
 * never sees half a file and a crash leaves the old or the new content.
 */
final class JsonFile {
  private final Path file;
  private final Path lock;

  JsonFile(Path file) {
    this.file = file.toAbsolutePath();
    this.lock = this.file.resolveSibling(this.file.getFileName() + ".lock");
  }

  Path path() {
    return file;
  }

  /** Reads the content, if the file exists. */
  Optional<String> read() {
    return locked(() -> current());
  }

  /** Applies {@code change} to the current content (empty if none) and writes what it returns. */
  <T> T update(Function<Optional<String>, Update<T>> change) {
    return locked(
        () -> {
          Update<T> u = change.apply(current());
          u.content().ifPresent(this::replace);
          return u.result();
        });
  }

  record Update<T>(Optional<String> content, T result) {}

  private Optional<String> current() {
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void replace(String content) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private interface Body<T> {
    T run();
  }

  /** File locks are held per JVM: threads of one process queue here before taking the file lock. */
  private static final java.util.concurrent.ConcurrentHashMap<
          Path, java.util.concurrent.locks.ReentrantLock>
      IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

  private <T> T locked(Body<T> body) {
    java.util.concurrent.locks.ReentrantLock mine =
        IN_PROCESS.computeIfAbsent(lock, k -> new java.util.concurrent.locks.ReentrantLock());
    mine.lock();
    try {
      return lockedAcrossProcesses(body);
    } finally {
      mine.unlock();
    }
  }

  private <T> T lockedAcrossProcesses(Body<T> body) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock l = ch.lock()) {
        return body.run();
      }
    } catch (IOException e) {
      throw new TransientException("cannot lock " + lock + ": " + e.getMessage(), e);
    }
  }
}
