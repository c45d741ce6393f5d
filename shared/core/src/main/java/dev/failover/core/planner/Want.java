package dev.failover.core.planner;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Why a region is wanted out, and since when.
 *
 * @param source what wants it out
 * @param reason in words an operator can act on
 * @param since when it began (the earliest incident is the worst)
 * @param breakGlass an operator's break-glass drain: skips the safety rules but the last region's
 */
record Want(Source source, Reason reason, Instant since, boolean breakGlass) {

  Want {
    Objects.requireNonNull(source);
    Objects.requireNonNull(reason);
    Objects.requireNonNull(since);
  }

  /** What wants a region out, with the precedence of its drains (1 goes first). */
  enum Source {
    /** An operator's drain pin. */
    MANUAL(1),
    /** A failed build, or one deploying with {@code drainOnDeploy}. */
    BUILD(2),
    /** An open incident. */
    ALERT(3),
    /** Unhealthy again during the restore ramp. */
    RELAPSE(4),
    /** A practice drain: last, so that it never takes the place of a real one. */
    DRILL(5);

    private final int precedence;

    Source(int precedence) {
      this.precedence = precedence;
    }

    int precedence() {
      return precedence;
    }
  }

  /** The order drains are checked in: break-glass first, then by source, then the earliest. */
  static final Comparator<Want> DRAIN_ORDER =
      Comparator.comparing((Want w) -> !w.breakGlass())
          .thenComparingInt(w -> w.source().precedence())
          .thenComparing(Want::since);
}
