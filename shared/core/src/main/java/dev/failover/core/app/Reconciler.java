package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.Planner;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.HealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TrafficSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The reconcile: read the load balancer (and health when a decision can use it), plan, write with
 * the fingerprint or not, remember, audit. See the package documentation for its steps; the steps
 * that are pure functions of what was read are also what {@link QuietChange} runs inside the commit
 * that records an event.
 */
final class Reconciler {

  /** How long a closed incident is kept in memory (flap damping looks back at closed ones). */
  static final Duration INCIDENT_RETENTION = Duration.ofHours(6);

  /**
   * What a delivery read before recording its event: the memory then, the load balancer, and the
   * health when a decision on that memory could use it. The reconcile's first attempt starts from
   * it instead of reading again (a stale read costs one more attempt, never a wrong write: the
   * write carries the fingerprint read).
   */
  record Reading(
      ControllerMemory before,
      LoadBalancer.Observed observed,
      Optional<Map<Region, Health>> health) {}

  private final ControllerSettings settings;
  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final HealthSource healthSource;
  private final AuditSink audit;
  private final Clock clock;
  private final TrafficSource traffic;
  private final WriteProtocol protocol;

  Reconciler(
      ControllerSettings settings,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource healthSource,
      AuditSink audit,
      Clock clock,
      Pause pause,
      TrafficSource traffic) {
    this.settings = settings;
    this.store = store;
    this.loadBalancer = loadBalancer;
    this.healthSource = healthSource;
    this.audit = audit;
    this.clock = clock;
    this.traffic = traffic;
    this.protocol = new WriteProtocol(store, loadBalancer, settings.topology(), audit, pause);
  }

  /**
   * One reconcile: expire pins, then per attempt read the load balancer (and health, when a
   * decision can use it: never to drain a serving region), recover an interrupted write, detect
   * drift, check propagation, close stale incidents, plan, gate drills, and write or not; record
   * the notices and remember the outcome. A stale fingerprint starts the next attempt from a fresh
   * read. {@code ahead}: what the delivery read before recording its event, used by the first
   * attempt; {@code budget}: started when the delivery began.
   */
  Controller.Result reconcile(AuditRecords make, Optional<Reading> ahead, ReconcileBudget budget) {
    Instant now = make.now();
    List<AuditRecord> records = new ArrayList<>();
    UnaryOperator<ControllerMemory> prune = pruning(now);
    ControllerMemory.Pruned pruned = prune(store.load(), now);
    pruned.expiredPins().forEach((r, pin) -> records.add(audited(make.expired(r, pin))));
    pruned
        .expiredBuilds()
        .forEach((r, b) -> records.add(audited(make.deployTimedOut(r, b, settings.policy()))));
    ControllerMemory stored = pruned.memory();
    // what was read ahead serves the first attempt unless a write began or landed since
    Optional<Reading> current =
        ahead.filter(a -> a.before().books().writes().equals(stored.books().writes()));
    for (int attempt = 1; ; attempt++) {
      budget.beforeAttempt(attempt);
      Optional<Reading> read = attempt == 1 ? current : Optional.empty();
      LoadBalancer.Observed observed = read.map(Reading::observed).orElseGet(loadBalancer::read);
      Basis basis = new Basis(attempt == 1 ? stored : prune.apply(store.load()), prune);
      boolean settled = basis.memory().books().writes().pending().isEmpty();
      basis = recoverInterrupted(basis, observed, make, records);
      if (settled) {
        basis = detectDrift(basis, observed, make, records);
      }
      if (attempt == 1) {
        basis = checkPropagation(basis, make, records);
      }
      Map<Region, Health> health = health(basis.memory(), now, read.flatMap(Reading::health));
      StaleIncidents.Found stale = staleIncidents(basis, health, make);
      if (attempt == 1) {
        stale.records().forEach(r -> records.add(audited(r)));
      }
      basis = basis.then(stale.close());
      Plan plan = plan(basis.memory(), observed, health, now);
      basis = basis.then(DrillGate.endAborted(plan, now));
      if (!plan.changesLoadBalancer()) {
        Notices.Noticed n = notices(basis, plan, stale.notices(), observed, Optional.empty(), make);
        n.records().forEach(r -> records.add(audited(r)));
        remember(remembered(basis, plan, Optional.empty(), n));
        return new Controller.Result(Optional.empty(), Optional.of(plan), false, records);
      }
      Optional<WriteProtocol.Applied> applied =
          protocol.write(plan, observed, basis, attempt, now, budget.left(), make);
      if (applied.isEmpty()) {
        continue;
      }
      LoadBalancer.Written written = applied.get().written();
      Basis committed = new Basis(basis.memory(), UnaryOperator.identity());
      Notices.Noticed n =
          notices(committed, plan, stale.notices(), observed, Optional.of(written), make);
      n.records().forEach(r -> records.add(audited(r)));
      for (DrillGate.Step step : DrillGate.steps(basis.memory(), plan)) {
        records.add(audited(make.drillStep(step, observed, written)));
      }
      remember(remembered(committed, plan, Optional.of(applied.get().pending()), n));
      return new Controller.Result(Optional.empty(), Optional.of(plan), true, records);
    }
  }

  /**
   * The edit every reconcile starts with: expired pins and long-closed incidents dropped, deploys
   * past their deadline ended.
   */
  UnaryOperator<ControllerMemory> pruning(Instant now) {
    return m -> m.prune(now, INCIDENT_RETENTION, settings.policy()).memory();
  }

  /** {@code memory} pruned at {@code now} under the policy. */
  ControllerMemory.Pruned prune(ControllerMemory memory, Instant now) {
    return memory.prune(now, INCIDENT_RETENTION, settings.policy());
  }

  dev.failover.core.domain.Policy policy() {
    return settings.policy();
  }

  /** The time a reconcile starting now may take. */
  ReconcileBudget budget() {
    return new ReconcileBudget(clock, settings.budget());
  }

  /** Plans what reconcile would do now, changing nothing. */
  Plan dryRun(ControllerMemory memory, LoadBalancer.Observed observed, Instant now) {
    return plan(memory, observed, health(memory, now, Optional.empty()), now);
  }

  /** True when a decision on {@code memory} can use health (never to drain a serving region). */
  boolean readsHealth(ControllerMemory memory, Instant now) {
    return Planner.readsHealth(memory.situation(), settings.topology(), settings.policy(), now);
  }

  /** Health, read only when a decision can use it, or as already read for this memory. */
  private Map<Region, Health> health(
      ControllerMemory memory, Instant now, Optional<Map<Region, Health>> read) {
    if (!readsHealth(memory, now)) {
      return Map.of();
    }
    return read.orElseGet(() -> healthSource.observe(now));
  }

  /** Health for {@code memory}, read when a decision on it can use it. */
  Optional<Map<Region, Health>> healthFor(ControllerMemory memory, Instant now) {
    return readsHealth(memory, now) ? Optional.of(healthSource.observe(now)) : Optional.empty();
  }

  private Basis recoverInterrupted(
      Basis basis, LoadBalancer.Observed observed, AuditRecords make, List<AuditRecord> records) {
    WriteProtocol.Recovered r = WriteProtocol.recover(basis.memory(), observed, make.now(), make);
    r.records().forEach(rec -> records.add(audited(rec)));
    return basis.then(r.clear());
  }

  /**
   * Drift, checked against the memory read again after the load balancer (a write another instance
   * made in between shows there as its marker or its new states).
   */
  private Basis detectDrift(
      Basis basis, LoadBalancer.Observed observed, AuditRecords make, List<AuditRecord> records) {
    Topology t = settings.topology();
    if (!driftSuspected(basis.memory(), observed)) {
      return basis;
    }
    ControllerMemory fresh = basis.edit().apply(store.load());
    if (!fresh.books().writes().pending().isEmpty()) {
      return basis;
    }
    Basis current = new Basis(fresh, basis.edit());
    Optional<DriftCheck.Drift> drift =
        DriftCheck.detect(
            t,
            settings.oversight(),
            fresh,
            observed.config(),
            observed.unlisted(),
            observed.fingerprint(),
            make.now(),
            WriteProtocol.PENDING_GRACE);
    if (drift.isEmpty()) {
      return current;
    }
    records.add(audited(make.drift(drift.get(), observed)));
    return current.then(drift.get().adopt());
  }

  boolean driftSuspected(ControllerMemory memory, LoadBalancer.Observed observed) {
    return DriftCheck.suspected(settings.topology(), memory, observed.config());
  }

  private Basis checkPropagation(Basis basis, AuditRecords make, List<AuditRecord> records) {
    List<Watch> watches = basis.memory().books().watches();
    if (watches.isEmpty()) {
      return basis;
    }
    Instant now = make.now();
    var rates = traffic.requestRates(PropagationCheck.since(watches, now), now);
    PropagationCheck.Checked c =
        PropagationCheck.check(watches, rates, settings.oversight(), now, make);
    c.records().forEach(r -> records.add(audited(r)));
    if (c.done().isEmpty()) {
      return basis;
    }
    return basis.then(
        m -> {
          List<Watch> left = new ArrayList<>(m.books().watches());
          left.removeAll(c.done());
          return m.withBooks(b -> b.withWatches(left));
        });
  }

  StaleIncidents.Found staleIncidents(Basis basis, Map<Region, Health> health, AuditRecords make) {
    return StaleIncidents.check(
        basis.memory().situation(),
        settings.topology().regionNames(),
        health,
        settings.policy(),
        basis.memory().books().notices(),
        make.now(),
        make);
  }

  /** The notices after this plan, and the records of what began or changed (not yet audited). */
  static Notices.Noticed notices(
      Basis basis,
      Plan plan,
      Map<String, String> standing,
      LoadBalancer.Observed observed,
      Optional<LoadBalancer.Written> written,
      AuditRecords make) {
    return Notices.of(basis.memory().books().notices(), plan, standing, observed, written, make);
  }

  /**
   * The one commit after the plan, as a change of the stored memory: the steps' edits (when nothing
   * was written; a write committed them with its marker), the notices, and, if nobody else changed
   * the region states since the plan read them, the plan's states (a concurrent reconcile that got
   * there first wins, and the next call plans from its result). After a write: its marker cleared,
   * the write remembered as recent, and its watches started.
   */
  UnaryOperator<ControllerMemory> remembered(
      Basis basis, Plan plan, Optional<PendingWrite> pending, Notices.Noticed noticed) {
    ControllerMemory planned = basis.memory();
    Map<Region, RegionState> before = states(planned);
    long changes = planned.books().ledger().changes();
    Optional<Map<String, String>> notices =
        Optional.of(noticed.notices()).filter(n -> noticed.changed(planned.books().notices()));
    UnaryOperator<ControllerMemory> landed =
        pending
            .map(
                p ->
                    WriteProtocol.landed(
                        p,
                        traffic == TrafficSource.NONE
                            ? List.of()
                            : PropagationCheck.watchesFor(plan, p)))
            .orElse(UnaryOperator.identity());
    return stored -> {
      ControllerMemory next =
          landed
              .apply(basis.edit().apply(stored))
              .withBooks(
                  b ->
                      notices
                          .map(b::withNotices)
                          .orElse(b)
                          .withLedger(b.ledger().reconciledUpTo(changes)));
      if (states(stored).equals(before)) {
        for (Map.Entry<Region, RegionState> e : plan.nextStates().entrySet()) {
          next = next.with(e.getKey(), next.region(e.getKey()).withState(e.getValue()));
        }
      }
      return next;
    };
  }

  private void remember(UnaryOperator<ControllerMemory> change) {
    store.update(stored -> new StateStore.Change<>(change.apply(stored), true));
  }

  Plan plan(
      ControllerMemory memory,
      LoadBalancer.Observed observed,
      Map<Region, Health> health,
      Instant now) {
    return Planner.plan(
        memory.situation(), observed.config(), settings.topology(), settings.policy(), health, now);
  }

  private Map<Region, RegionState> states(ControllerMemory m) {
    Map<Region, RegionState> s = new TreeMap<>();
    for (Region r : settings.topology().regionNames()) {
      s.put(r, m.region(r).state());
    }
    return s;
  }

  private AuditRecord audited(AuditRecord record) {
    audit.write(record);
    return record;
  }
}
