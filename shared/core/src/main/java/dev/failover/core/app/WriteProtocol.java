package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Plan;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.Backoff;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * How one load-balancer write is made so that a crash anywhere is healed by the next reconcile.
 *
 * <ol>
 *   <li><b>marker</b>: a pending-write marker is stored in memory (with the backend entries the
 *       write removes, so that a restore re-adds them exactly, even after a crash), in the same
 *       commit as whatever the reconcile decided before the write;
 *   <li><b>intent</b>: an {@code intent} record is audited;
 *   <li><b>apply</b>: the write, with the fingerprint read;
 *   <li><b>outcome</b>: a {@code change} record, applied or failed. A stale fingerprint or a
 *       refused write certainly did not land: the marker is cleared (a stale fingerprint is retried
 *       after a backoff, a bounded number of times). Anything else (a timeout, a lost answer)
 *       perhaps landed: the marker stays.
 * </ol>
 *
 * <p><b>Recovery</b>: a reconcile resolves a marker only once it is older than {@link
 * #PENDING_GRACE} (longer than any write can take, so it cannot belong to a write another instance
 * is making right now): the load balancer shows the write or it does not, and the outcome is
 * recorded then, with the id the writer would have given it. Each writer keeps its own marker, so
 * racing instances cannot erase each other's.
 *
 * <p><b>No write undoes another</b>: the region states a plan starts from are the memory's, and a
 * write's outcome reaches the memory only after the write lands. So a plan is written only if no
 * write began or landed since the plan read the memory (the marker's commit compares the pending
 * and recent writes), and never while the load balancer shows a write whose outcome is not recorded
 * yet; the reconcile plans again from fresh reads after a backoff. (Without this, in the storm
 * benchmark, an instance that read the load balancer just after another's drain and the memory just
 * before it "froze" every region at the levels it remembered, undoing the drain.) The fingerprint
 * still settles two writes planned from the same read.
 */
final class WriteProtocol {
  /** Attempts at one write when the fingerprint keeps changing under us. */
  static final int MAX_ATTEMPTS = 5;

  /** After a stale fingerprint: 100 ms, doubled per attempt, with jitter from the event id. */
  static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100 << 10));

  /**
   * How old a marker must be before a reconcile resolves it; also how long an applied write is
   * remembered as ours when checking for drift.
   */
  static final Duration PENDING_GRACE = Duration.ofMinutes(3);

  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final Topology topology;
  private final AuditSink audit;
  private final Pause pause;

  /** This instance, in its pending-write markers (see {@link PendingWrite#writer}). */
  private final String writer = UUID.randomUUID().toString();

  WriteProtocol(
      StateStore store,
      LoadBalancer loadBalancer,
      Topology topology,
      AuditSink audit,
      Pause pause) {
    this.store = store;
    this.loadBalancer = loadBalancer;
    this.topology = topology;
    this.audit = audit;
    this.pause = pause;
  }

  /** Markers resolved by {@link #recover}: their records and the edit that clears them. */
  record Recovered(List<AuditRecord> records, UnaryOperator<ControllerMemory> clear) {}

  /** Resolves the markers older than the grace period against what the load balancer shows. */
  static Recovered recover(
      ControllerMemory memory, LoadBalancer.Observed observed, Instant now, AuditRecords make) {
    List<AuditRecord> records = new ArrayList<>();
    List<PendingWrite> resolved = new ArrayList<>();
    for (PendingWrite p : memory.books().writes().pending()) {
      // younger markers may belong to a write another instance is making right now
      if (!p.at().plus(PENDING_GRACE).isAfter(now)) {
        boolean applied = p.shownBy(observed.config());
        String message =
            "the write announced at "
                + p.at()
                + " (event "
                + p.eventId()
                + ", "
                + p.step()
                + ") was interrupted before its outcome was recorded; the load balancer "
                + (applied ? "shows it: applied" : "does not show it: not applied")
                + " (now "
                + observed.config().display()
                + ")";
        records.add(make.interrupted(p, applied, message));
        resolved.add(p);
      }
    }
    if (resolved.isEmpty()) {
      return new Recovered(records, UnaryOperator.identity());
    }
    return new Recovered(
        records,
        m -> {
          ControllerMemory next = m;
          for (PendingWrite p : resolved) {
            next = next.withWrites(w -> w.withoutPending(p));
          }
          return next;
        });
  }

  /**
   * After a write landed: its marker cleared, the write remembered as recent (for the drift check),
   * and its watches started (a newer write to a region supersedes the older watch).
   */
  static UnaryOperator<ControllerMemory> landed(PendingWrite p, List<Watch> started) {
    Instant since = p.at().minus(PENDING_GRACE);
    return m -> {
      ControllerMemory next = m.withWrites(w -> w.withoutPending(p).withRecent(p, since));
      return started.isEmpty()
          ? next
          : next.withBooks(b -> b.withWatches(PropagationCheck.superseded(b.watches(), started)));
    };
  }

  /** An applied write: its marker and what the platform returned. */
  record Applied(PendingWrite pending, LoadBalancer.Written written) {}

  /**
   * Writes {@code plan}: marker (committed with the reconcile's edits so far, {@code basis}),
   * intent, apply (waiting at most {@code maxWait} for the platform), outcome. Empty when the
   * caller should plan again from fresh reads: the fingerprint was stale, another write began or
   * landed since the memory was read, or the load balancer shows a write not recorded yet. Throws
   * when the write failed or may have failed, or after {@link #MAX_ATTEMPTS} such attempts.
   */
  Optional<Applied> write(
      Plan plan,
      LoadBalancer.Observed observed,
      Basis basis,
      int attempt,
      Instant now,
      Duration maxWait,
      AuditRecords make) {
    String eventId = make.trigger().eventId();
    Optional<PendingWrite> unrecorded = landedUnrecorded(basis.memory(), observed, now);
    if (unrecorded.isPresent()) {
      // the load balancer shows a write whose outcome is not in memory yet: a plan from this
      // memory would undo it; wait for its writer to record it (or for the grace, if it died)
      yieldTo(
          attempt,
          eventId,
          "the write of event "
              + unrecorded.get().eventId()
              + " shows on the load balancer and its outcome is not recorded yet");
      return Optional.empty();
    }
    PendingWrite pending =
        PendingWrite.of(
            eventId, "attempt-" + attempt, plan.target(), observed.fingerprint(), now, writer);
    Optional<Map<Region, String>> announced = announce(basis, observed, plan, pending);
    if (announced.isEmpty()) {
      yieldTo(attempt, eventId, "another write began or landed since this plan read the memory");
      return Optional.empty();
    }
    Map<Region, String> parked = announced.get();
    audit.write(make.intent(plan, observed, pending));
    LoadBalancer.Written written;
    try {
      written = loadBalancer.apply(plan.target(), observed.fingerprint(), parked, maxWait);
    } catch (StaleFingerprintException e) {
      // certainly not applied: the platform refused the stale fingerprint
      audit.write(make.failed(plan, observed, pending, "stale fingerprint: " + e.getMessage()));
      clear(pending);
      backOffOrGiveUp(
          attempt,
          eventId,
          () ->
              new TransientException(
                  "load balancer changed under us "
                      + attempt
                      + " times in a row; giving up for now",
                  e));
      return Optional.empty();
    } catch (PermanentException e) {
      // certainly not applied: the platform refused the write
      audit.write(make.failed(plan, observed, pending, describe(e)));
      clear(pending);
      throw e;
    } catch (RuntimeException e) {
      // perhaps applied (a timeout, a lost answer): the marker stays, the next reconcile checks
      audit.write(make.failed(plan, observed, pending, describe(e)));
      throw e;
    }
    audit.write(make.applied(plan, observed, pending, written));
    return Optional.of(new Applied(pending, written));
  }

  /**
   * A marker younger than the grace whose write the load balancer shows: landed, and its writer has
   * not recorded the outcome (the region states) yet.
   */
  static Optional<PendingWrite> landedUnrecorded(
      ControllerMemory memory, LoadBalancer.Observed observed, Instant now) {
    return memory.books().writes().pending().stream()
        .filter(p -> p.at().plus(PENDING_GRACE).isAfter(now))
        .filter(p -> !p.fingerprintBefore().equals(observed.fingerprint()))
        .filter(p -> p.shownBy(observed.config()))
        .findFirst();
  }

  /** Stands back from a write that another writer's makes unsafe (see {@link #backOffOrGiveUp}). */
  private void yieldTo(int attempt, String eventId, String why) {
    backOffOrGiveUp(
        attempt,
        eventId,
        () ->
            new TransientException(
                why
                    + " ("
                    + attempt
                    + " attempts); not writing now, the next delivery or tick carries on"));
  }

  /** Backs off before the next attempt, or throws {@code giveUp} after {@link #MAX_ATTEMPTS}. */
  private void backOffOrGiveUp(
      int attempt, String eventId, java.util.function.Supplier<TransientException> giveUp) {
    if (attempt >= MAX_ATTEMPTS) {
      throw giveUp.get();
    }
    BACKOFF.await(pause, attempt, eventId);
  }

  /**
   * Stores the marker and, for backends the write removes, their entries, if no write began or
   * landed since the plan read the memory (the pending and recent writes are as {@code basis} has
   * them); returns every parked entry, or empty when another write got there first.
   */
  private Optional<Map<Region, String>> announce(
      Basis basis, LoadBalancer.Observed observed, Plan plan, PendingWrite pending) {
    Map<Region, String> leaving = new TreeMap<>();
    for (Region r : topology.regionNames()) {
      String entry = observed.entries().get(r);
      if (entry != null
          && observed.config().setting(r).serving()
          && !plan.target().setting(r).serving()) {
        leaving.put(r, entry);
      }
    }
    return store.update(
        stored -> {
          ControllerMemory m = basis.edit().apply(stored);
          if (!m.books().writes().equals(basis.memory().books().writes())) {
            return new StateStore.Change<>(stored, Optional.empty());
          }
          Map<Region, String> all = new TreeMap<>(m.books().writes().parkedBackends());
          all.putAll(leaving);
          return new StateStore.Change<>(
              m.withWrites(w -> w.withParked(all).withPending(pending)),
              Optional.of(Map.copyOf(all)));
        });
  }

  private void clear(PendingWrite pending) {
    store.update(m -> new StateStore.Change<>(m.withWrites(w -> w.withoutPending(pending)), true));
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
