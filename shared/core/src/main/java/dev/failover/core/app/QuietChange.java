package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Region;
import dev.failover.core.planner.Plan;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A change that needs no write, reconciled in the commit that records it: an incident opened in a
 * region already out, a close while the restore hold runs, a build's status that moves nothing.
 * Without it every such event costs two commits of the memory document (its record, then the
 * reconcile's), and in a storm of distinct incidents every other delivery finds an unreconciled
 * change and reconciles too.
 *
 * <p>The delivery reads the memory, and when its event would change it, the load balancer (and
 * health when a decision can use it) before recording. The commit then runs the reconcile's pure
 * steps on the memory as recorded, with what was read: expired pins, stale incidents, the plan,
 * ended drills, notices. If the plan writes nothing, the commit holds the event and the reconcile's
 * outcome together and the memory is settled. Otherwise (a write is due, a write is pending or
 * landed since the read, drift is suspected, traffic must be checked, or health is needed and was
 * not read) the commit holds the event alone and the reconcile runs as usual, starting from what
 * was read. The steps run again on every compare-and-set retry, on the memory as it is then; their
 * audit records are written once, after the commit.
 */
final class QuietChange {

  /** The reconcile's outcome, committed with the event: its plan and its records to audit. */
  record Settled(Plan plan, List<AuditRecord> records) {}

  private final Reconciler reconciler;

  QuietChange(Reconciler reconciler) {
    this.reconciler = reconciler;
  }

  /**
   * Reads what the commit will need when {@code event} would change a memory with no write pending
   * and no traffic to check; empty otherwise (the event is recorded alone).
   */
  Optional<Reconciler.Reading> readAhead(
      ControllerMemory before, ControllerEvent event, LoadBalancer lb, Instant now) {
    ControllerMemory.Recorded predicted = before.record(event);
    if (predicted.effect() != ControllerMemory.Effect.CHANGED || !quiet(before)) {
      return Optional.empty();
    }
    ControllerMemory next = reconciler.pruning(now).apply(predicted.memory());
    try {
      LoadBalancer.Observed observed = lb.read();
      return Optional.of(new Reconciler.Reading(before, observed, reconciler.healthFor(next, now)));
    } catch (RuntimeException e) {
      // recording must not depend on Compute or Monitoring: the event is recorded alone, and the
      // reconcile reads again and reports what fails
      return Optional.empty();
    }
  }

  /**
   * The change that follows recording the event in the same commit: the reconcile's outcome when
   * its plan writes nothing, else nothing (empty result: the caller reconciles).
   */
  StateStore.Change<Optional<Settled>> settle(
      ControllerMemory.Recorded recorded, Reconciler.Reading read, AuditRecords make) {
    ControllerMemory stored = recorded.memory();
    StateStore.Change<Optional<Settled>> alone = new StateStore.Change<>(stored, Optional.empty());
    if (recorded.effect() != ControllerMemory.Effect.CHANGED
        || !quiet(stored)
        || !stored.books().writes().equals(read.before().books().writes())) {
      return alone;
    }
    Instant now = make.now();
    ControllerMemory.Pruned pruned = reconciler.prune(stored, now);
    Basis basis = new Basis(pruned.memory(), reconciler.pruning(now));
    LoadBalancer.Observed observed = read.observed();
    boolean needsHealth = reconciler.readsHealth(basis.memory(), now);
    if (reconciler.driftSuspected(basis.memory(), observed)
        || (needsHealth && read.health().isEmpty())) {
      return alone;
    }
    Map<Region, Health> health = needsHealth ? read.health().get() : Map.of();
    StaleIncidents.Found stale = reconciler.staleIncidents(basis, health, make);
    basis = basis.then(stale.close());
    Plan plan = reconciler.plan(basis.memory(), observed, health, now);
    if (plan.changesLoadBalancer()) {
      return alone;
    }
    basis = basis.then(DrillGate.endAborted(plan, now));
    Notices.Noticed n =
        Reconciler.notices(basis, plan, stale.notices(), observed, Optional.empty(), make);
    List<AuditRecord> records = new ArrayList<>();
    pruned.expiredPins().forEach((r, pin) -> records.add(make.expired(r, pin)));
    pruned
        .expiredBuilds()
        .forEach((r, b) -> records.add(make.deployTimedOut(r, b, reconciler.policy())));
    records.addAll(stale.records());
    records.addAll(n.records());
    ControllerMemory next = reconciler.remembered(basis, plan, Optional.empty(), n).apply(stored);
    return new StateStore.Change<>(next, Optional.of(new Settled(plan, records)));
  }

  /**
   * No write pending and no traffic to check: a reconcile would only plan. (An earlier change not
   * yet reconciled is no obstacle: the plan covers the whole memory and settles it too.)
   */
  private static boolean quiet(ControllerMemory m) {
    return m.books().writes().pending().isEmpty() && m.books().watches().isEmpty();
  }
}
