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

  /** What recording an event did, and what the change that followed it in the same commit gave. */
  record Recording<T>(ControllerMemory.Recorded recorded, T then) {}

  ControllerMemory load();

  <T> T update(Function<ControllerMemory, Change<T>> change);

  /**
   * Records an event, at most once per event id, and in the same commit applies {@code then} to the
   * memory as recorded ({@code then} is pure: a store may run it again on contention). The default
   * relies on the memory's window of recent ids; durable stores also keep a ledger of processed
   * ids, checked and written in the same commit as the memory.
   */
  default <T> Recording<T> record(
      ControllerEvent event, Function<ControllerMemory.Recorded, Change<T>> then) {
    return update(
        m -> {
          ControllerMemory.Recorded r = m.record(event);
          Change<T> c = then.apply(r);
          return new Change<>(c.next(), new Recording<>(r, c.result()));
        });
  }

  /**
   * Records an event, at most once per event id (see {@link #record(ControllerEvent, Function)}).
   */
  default ControllerMemory.Recorded record(ControllerEvent event) {
    return record(event, r -> new Change<>(r.memory(), Boolean.TRUE)).recorded();
  }
}
