package dev.failover.gcp.embedded;

import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.port.StateStore;
import dev.failover.gcp.json.MemoryJson;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The controller's memory in a local JSON file (the embedded default), shared by every process that
 * names the same file: changes run under a file lock and replace the file atomically.
 */
public final class FileStateStore implements StateStore {
  private final JsonFile file;

  public FileStateStore(Path path) {
    this.file = new JsonFile(path);
  }

  @Override
  public ControllerMemory load() {
    return file.read().map(MemoryJson::decode).orElse(ControllerMemory.empty());
  }

  @Override
  public <T> T update(Function<ControllerMemory, Change<T>> change) {
    return file.update(
        text -> {
          ControllerMemory before = text.map(MemoryJson::decode).orElse(ControllerMemory.empty());
          Change<T> c = change.apply(before);
          Optional<String> next =
              c.next().equals(before)
                  ? Optional.empty()
                  : Optional.of(MemoryJson.encodeForStore(c.next()));
          return new JsonFile.Update<>(next, c.result());
        });
  }
}
