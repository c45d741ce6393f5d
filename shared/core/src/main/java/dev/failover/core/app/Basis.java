package dev.failover.core.app;

import dev.failover.core.domain.ControllerMemory;
import java.util.function.UnaryOperator;

/**
 * The memory a reconcile plans from, and the edit that makes it from the stored memory: what the
 * steps before the plan decided, committed with the write's marker or, without a write, at the end.
 */
record Basis(ControllerMemory memory, UnaryOperator<ControllerMemory> edit) {
  Basis then(UnaryOperator<ControllerMemory> next) {
    UnaryOperator<ControllerMemory> before = edit;
    return new Basis(next.apply(memory), m -> next.apply(before.apply(m)));
  }
}
