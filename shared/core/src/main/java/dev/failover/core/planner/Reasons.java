package dev.failover.core.planner;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How the planner's reasons write times, levels and durations. */
final class Reasons {
  private Reasons() {}

  /** ISO-8601 in UTC, as {@link Instant#toString}. */
  static String time(Instant t) {
    return t.toString();
  }

  /** A level in thousandths as a percentage: 1000 is {@code 100%}, 125 is {@code 12.5%}. */
  static String percent(int level) {
    return (level % 10 == 0
            ? Integer.toString(level / 10)
            : String.format(Locale.ROOT, "%.1f", level / 10.0))
        + "%";
  }

  /** Whole minutes as {@code N min}, else seconds. */
  static String minutes(Duration d) {
    long s = d.getSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}
