package dev.failover.core.port;

import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import java.util.function.Function;

/**
 * Where the controller keeps its memory between stateless invocations. {@link #update} runs the
 * change in a transaction; the change must be pure, because a store may run it again on contention.
 */
public interface StateStore {

  /** A change to the memory and a value to hand back. */
  record Change<T>(ControllerMemory next, T result) {}

  ControllerMemory load();

  <T> T update(Function<ControllerMemory, Change<T>> change);

  /**
   * Records an event, at most once per event id. The default relies on the memory's window of
   * recent ids; durable stores also keep a ledger of processed ids, checked and written in the same
   * transaction as the memory.
   */
  default ControllerMemory.Recorded record(ControllerEvent event) {
    return update(
        m -> {
          ControllerMemory.Recorded r = m.record(event);
          return new Change<>(r.memory(), r);
        });
  }
}
