package dev.failover.core.app;

import dev.failover.core.port.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time one reconcile may take, counted on the controller's clock from its start: no attempt
 * after the first starts once it is spent, and a write waits for its operation only for what is
 * left (never less than {@link #MIN_WAIT}).
 */
final class ReconcileBudget {
  /** The least a write is given to be confirmed, even when the budget is nearly spent. */
  static final Duration MIN_WAIT = Duration.ofSeconds(1);

  private final Clock clock;
  private final Duration budget;
  private final Instant deadline;

  ReconcileBudget(Clock clock, Duration budget) {
    this.clock = clock;
    this.budget = budget;
    this.deadline = clock.instant().plus(budget);
  }

  /** Throws before attempt {@code attempt} (from the second on) when the budget is spent. */
  void beforeAttempt(int attempt) {
    if (attempt > 1 && !clock.instant().isBefore(deadline)) {
      throw new TransientException(
          "the reconcile used its budget of "
              + budget
              + " in "
              + (attempt - 1)
              + " attempt(s); the next delivery or tick carries on");
    }
  }

  /** What is left for a write's confirmation. */
  Duration left() {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : left;
  }
}
