package dev.failover.core.memory;

import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.port.StateStore;
import java.util.function.Function;

/** Keeps the memory in this process; updates are serialised. The embedded default and tests. */
public final class InMemoryStateStore implements StateStore {
  private ControllerMemory memory;
  private long writes;

  public InMemoryStateStore() {
    this(ControllerMemory.empty());
  }

  public InMemoryStateStore(ControllerMemory initial) {
    this.memory = initial;
  }

  @Override
  public synchronized ControllerMemory load() {
    return memory;
  }

  @Override
  public synchronized <T> T update(Function<ControllerMemory, Change<T>> change) {
    Change<T> c = change.apply(memory);
    if (!c.next().equals(memory)) {
      memory = c.next();
      writes++;
    }
    return c.result();
  }

  /** How many updates changed the memory. */
  public synchronized long writes() {
    return writes;
  }
}
