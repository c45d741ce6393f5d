package dev.failover.core.port;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with deterministic jitter, waited out through a {@link Pause}: the one
 * backoff behind the controller's retries (a stale fingerprint) and the state store's (a
 * conflicting writer).
 *
 * <p>Attempt {@code n} (from 1) waits {@code base × j}, where {@code base = first × 2^(n−1)} capped
 * at {@code max}, and the jitter {@code j} in [0.5, 1.5) comes from the hash of the seed and the
 * attempt. Seeds that differ between racing writers (an event id, an instance id) spread their
 * retries apart; the same seed and attempt always wait the same, so tests need neither sleep nor a
 * random source.
 *
 * @param first the base wait of the first attempt
 * @param max the largest base wait
 */
public record Backoff(Duration first, Duration max) {

  public Backoff {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(max, "max");
    if (first.isNegative() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= first <= max, got " + first + ", " + max);
    }
  }

  /** How long attempt {@code attempt} (from 1) waits, for this seed. */
  public Duration delay(int attempt, String seed) {
    long base = Math.min(first.toMillis() << Math.min(attempt - 1, 20), max.toMillis());
    int h = Math.floorMod((seed + "#" + attempt).hashCode(), 1000);
    return Duration.ofMillis(base / 2 + base * h / 1000);
  }

  /** Waits out {@link #delay}; an interrupt becomes a {@link TransientException}. */
  public void await(Pause pause, int attempt, String seed) {
    try {
      pause.pause(delay(attempt, seed));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("interrupted while backing off (attempt " + attempt + ")", e);
    }
  }
}
