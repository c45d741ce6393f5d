package dev.failover.core.planner;

import java.util.Locale;

/** What the plan does to one region. */
public enum Action {
  /** Nothing changes. */
  KEEP,
  /** Drained to level 0. */
  DRAIN,
  /** Drained part of the way, because draining fully would overload the survivors. */
  PARTIAL_DRAIN,
  /** Raised to the next step of the restore ramp. */
  RAMP,
  /** Back to full service. */
  SERVE,
  /** A change was wanted, but a rule stopped it. */
  HOLD;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
