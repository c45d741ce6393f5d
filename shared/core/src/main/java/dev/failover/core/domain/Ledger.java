package dev.failover.core.domain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Which events the memory has recorded, and how far reconciles have caught up with them.
 *
 * @param recentEventIds the last {@link #EVENT_ID_WINDOW} recorded event ids, oldest first (durable
 *     stores also keep a ledger of every processed id)
 * @param changes how many events have changed the memory (a sequence number)
 * @param reconciled the {@code changes} of the newest memory a reconcile planned from and completed
 *     with; while it is behind, an event that changes nothing still reconciles, so that a
 *     redelivery after a failed reconcile heals at once
 */
public record Ledger(List<String> recentEventIds, long changes, long reconciled) {

  /** How many event ids are remembered for redelivery detection. */
  public static final int EVENT_ID_WINDOW = 2048;

  public Ledger {
    recentEventIds = List.copyOf(recentEventIds);
    if (recentEventIds.size() > EVENT_ID_WINDOW) {
      throw new IllegalArgumentException("at most " + EVENT_ID_WINDOW + " event ids");
    }
    if (changes < 0 || reconciled < 0) {
      throw new IllegalArgumentException("changes and reconciled must be at least 0");
    }
  }

  public static Ledger empty() {
    return new Ledger(List.of(), 0, 0);
  }

  public boolean seen(String eventId) {
    return recentEventIds.contains(eventId);
  }

  /** Notes that {@code eventId} was recorded, and whether it changed the memory. */
  public Ledger recorded(String eventId, boolean changed) {
    Deque<String> ids = new ArrayDeque<>(recentEventIds);
    ids.addLast(eventId);
    while (ids.size() > EVENT_ID_WINDOW) {
      ids.removeFirst();
    }
    return new Ledger(List.copyOf(ids), changed ? changes + 1 : changes, reconciled);
  }

  /** True when a reconcile has planned from every change recorded so far. */
  public boolean settled() {
    return reconciled >= changes;
  }

  /** Notes that a reconcile planned from the memory with {@code basis} changes and completed. */
  public Ledger reconciledUpTo(long basis) {
    return new Ledger(recentEventIds, changes, Math.max(reconciled, basis));
  }
}
