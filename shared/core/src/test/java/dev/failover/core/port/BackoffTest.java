package dev.failover.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(500));

  @Test
  void eachAttempt_waitsHalfToOneAndAHalfTimesItsBase_doublingUpToMax() {
    long[] bases = {10, 20, 40, 80, 160, 320, 500, 500, 500};
    for (int attempt = 1; attempt <= bases.length; attempt++) {
      long base = bases[attempt - 1];
      for (String seed : List.of("a", "b", "event-77", "writer-3")) {
        long ms = backoff.delay(attempt, seed).toMillis();
        assertTrue(ms >= base / 2 && ms < base * 3 / 2, attempt + "/" + seed + ": " + ms);
      }
    }
  }

  @Test
  void theSameSeedAndAttempt_waitTheSame_otherSeedsSpreadApart() {
    assertEquals(backoff.delay(3, "e1"), backoff.delay(3, "e1"));
    Set<Duration> spread = new HashSet<>();
    for (int i = 0; i < 16; i++) {
      spread.add(backoff.delay(4, "instance-" + i));
    }
    assertTrue(spread.size() >= 8, "16 racing writers get at least 8 different waits: " + spread);
  }

  @Test
  void await_waitsThroughThePause() {
    List<Duration> waited = new ArrayList<>();
    backoff.await(waited::add, 2, "e1");
    assertEquals(List.of(backoff.delay(2, "e1")), waited);
  }

  @Test
  void anInterruptedWait_isTransient_andKeepsTheInterruptFlag() {
    TransientException e =
        assertThrows(
            TransientException.class,
            () ->
                backoff.await(
                    d -> {
                      throw new InterruptedException("stop");
                    },
                    1,
                    "e1"));
    assertTrue(e.getCause() instanceof InterruptedException);
    assertTrue(Thread.interrupted(), "the flag is set again (and cleared here)");
  }

  @Test
  void aMaxBelowFirst_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofMillis(10), Duration.ofMillis(5)));
  }
}
