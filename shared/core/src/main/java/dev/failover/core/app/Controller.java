package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The one use case behind every entry point: record an event in memory, then reconcile. See the
 * package documentation for the pipeline of one reconcile and where each audit record is made.
 */
public final class Controller {

  /** How long a closed incident is kept in memory (flap damping looks back at closed ones). */
  static final Duration INCIDENT_RETENTION = Duration.ofHours(6);

  /**
   * What one call did. {@code plan} is empty when no reconcile ran: the event changed nothing and
   * every change before it was already reconciled.
   */
  public record Result(
      Optional<ControllerMemory.Recorded> recorded,
      Optional<Plan> plan,
      boolean wrote,
      List<AuditRecord> records) {}

  private final ControllerSettings settings;
  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final HealthSource healthSource;
  private final AuditSink audit;
  private final Clock clock;
  private final TrafficSource traffic;
  private final WriteProtocol protocol;

  public Controller(
      ControllerSettings settings,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource healthSource,
      AuditSink audit,
      Clock clock,
      Pause pause) {
    this(settings, store, loadBalancer, healthSource, audit, clock, pause, TrafficSource.NONE);
  }

  public Controller(
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

  /** Records {@code event} (idempotent per event id) and reconciles. */
  public Result handle(ControllerEvent event, Trigger trigger, Instant now) {
    AuditRecords make = records(trigger, now, clock.instant());
    if (settings.topology().find(event.region()).isEmpty()) {
      throw new IllegalArgumentException("region " + event.region() + " is not in the topology");
    }
    if (event instanceof ControllerEvent.CommandEvent c
        && c.action() == ControllerEvent.CommandEvent.Action.DRILL) {
      Optional<Result> refused = refuseDrill(c, now, make);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    ControllerMemory.Recorded recorded = store.record(event);
    List<AuditRecord> records = new ArrayList<>();
    boolean forget = event instanceof ControllerEvent.CommandEvent c && c.action().forgets();
    if (forget && recorded.effect() == ControllerMemory.Effect.CHANGED) {
      records.add(audited(make.forgotten(recorded.detail())));
    } else if (recorded.effect() == ControllerMemory.Effect.DUPLICATE
        || recorded.effect() == ControllerMemory.Effect.STALE
        || recorded.effect() == ControllerMemory.Effect.REFUSED
        || forget) {
      // a forget that finds nothing to forget is shown too: the operator asked for something
      String effect = recorded.effect().name().toLowerCase(Locale.ROOT);
      records.add(audited(make.input(Kind.IGNORED, effect + ": " + recorded.detail())));
    }
    ControllerMemory m = recorded.memory();
    if (recorded.effect() != ControllerMemory.Effect.CHANGED
        && m.books().writes().pending().isEmpty()
        && m.settled()) {
      // nothing to do: no read of the load balancer (a storm of renotifications and
      // redeliveries costs one memory transaction each); the tick still runs the clock's rules
      return new Result(Optional.of(recorded), Optional.empty(), false, records);
    }
    Result r = reconcile(make);
    records.addAll(r.records());
    return new Result(Optional.of(recorded), r.plan(), r.wrote(), records);
  }

  /** Reconciles without an event (the periodic tick). */
  public Result reconcile(Trigger trigger, Instant now) {
    return reconcile(records(trigger, now, clock.instant()));
  }

  /** Plans what reconcile would do now, changing nothing. */
  public Plan dryRun(Instant now) {
    LoadBalancer.Observed observed = loadBalancer.read();
    return plan(store.load(), observed, now);
  }

  /** Audits input that was refused or ignored before reaching memory. */
  public AuditRecord inputRecord(
      Kind kind, Trigger trigger, Instant now, Instant received, String message) {
    return audited(records(trigger, now, received).input(kind, message));
  }

  /**
   * One reconcile: expire pins, then per attempt read the load balancer (and health, when a
   * decision can use it: never to drain a serving region), recover an interrupted write, detect
   * drift, check propagation, close stale incidents, plan, gate drills, and write or not; record
   * the notices and remember the outcome. A stale fingerprint starts the next attempt from a fresh
   * read.
   */
  private Result reconcile(AuditRecords make) {
    Instant now = make.now();
    List<AuditRecord> records = new ArrayList<>();
    UnaryOperator<ControllerMemory> prune = m -> m.prune(now, INCIDENT_RETENTION).memory();
    ControllerMemory.Pruned pruned = store.load().prune(now, INCIDENT_RETENTION);
    pruned.expiredPins().forEach((r, pin) -> records.add(audited(make.expired(r, pin))));
    ControllerMemory stored = pruned.memory();
    ReconcileBudget budget = new ReconcileBudget(clock, settings.budget());
    for (int attempt = 1; ; attempt++) {
      budget.beforeAttempt(attempt);
      LoadBalancer.Observed observed = loadBalancer.read();
      Basis basis = new Basis(attempt == 1 ? stored : prune.apply(store.load()), prune);
      boolean settled = basis.memory().books().writes().pending().isEmpty();
      basis = recoverInterrupted(basis, observed, make, records);
      if (settled) {
        basis = detectDrift(basis, observed, make, records);
      }
      if (attempt == 1) {
        basis = checkPropagation(basis, make, records);
      }
      Map<Region, Health> health = health(basis.memory(), now);
      StaleIncidents.Found stale = staleIncidents(basis, health, make);
      if (attempt == 1) {
        stale.records().forEach(r -> records.add(audited(r)));
      }
      basis = basis.then(stale.close());
      Plan plan = plan(basis.memory(), observed, health, now);
      basis = basis.then(DrillGate.endAborted(plan, now));
      if (!plan.changesLoadBalancer()) {
        Notices.Noticed n =
            notices(basis, plan, stale.notices(), observed, Optional.empty(), make, records);
        remember(basis, plan, Optional.empty(), n);
        return new Result(Optional.empty(), Optional.of(plan), false, records);
      }
      Optional<WriteProtocol.Applied> applied =
          protocol.write(plan, observed, basis.edit(), attempt, now, budget.left(), make);
      if (applied.isEmpty()) {
        continue;
      }
      LoadBalancer.Written written = applied.get().written();
      Basis committed = new Basis(basis.memory(), UnaryOperator.identity());
      Notices.Noticed n =
          notices(committed, plan, stale.notices(), observed, Optional.of(written), make, records);
      for (DrillGate.Step step : DrillGate.steps(basis.memory(), plan)) {
        records.add(audited(make.drillStep(step, observed, written)));
      }
      remember(committed, plan, Optional.of(applied.get().pending()), n);
      return new Result(Optional.empty(), Optional.of(plan), true, records);
    }
  }

  /** Health, read only when a decision can use it (never to drain a serving region). */
  private Map<Region, Health> health(ControllerMemory memory, Instant now) {
    return Planner.readsHealth(memory.situation(), settings.topology(), settings.policy(), now)
        ? healthSource.observe(now)
        : Map.of();
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
    if (!DriftCheck.suspected(t, basis.memory(), observed.config())) {
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
            observed.fingerprint(),
            make.now(),
            WriteProtocol.PENDING_GRACE);
    if (drift.isEmpty()) {
      return current;
    }
    records.add(audited(make.drift(drift.get(), observed)));
    return current.then(drift.get().adopt());
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

  private StaleIncidents.Found staleIncidents(
      Basis basis, Map<Region, Health> health, AuditRecords make) {
    return StaleIncidents.check(
        basis.memory().situation(),
        settings.topology().regionNames(),
        health,
        settings.policy(),
        basis.memory().books().notices(),
        make.now(),
        make);
  }

  private Notices.Noticed notices(
      Basis basis,
      Plan plan,
      Map<String, String> standing,
      LoadBalancer.Observed observed,
      Optional<LoadBalancer.Written> written,
      AuditRecords make,
      List<AuditRecord> records) {
    Notices.Noticed n =
        Notices.of(basis.memory().books().notices(), plan, standing, observed, written, make);
    n.records().forEach(r -> records.add(audited(r)));
    return n;
  }

  /**
   * The one commit after the plan: the steps' edits (when nothing was written; a write committed
   * them with its marker), the notices, and, if nobody else changed the region states since the
   * plan read them, the plan's states (a concurrent reconcile that got there first wins, and the
   * next call plans from its result). After a write: its marker cleared, the write remembered as
   * recent, and its watches started.
   */
  private void remember(
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
    store.update(
        stored -> {
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
          return new StateStore.Change<>(next, true);
        });
  }

  /**
   * Refuses a drill that the plan with its pin would not carry out, before anything is recorded.
   */
  private Optional<Result> refuseDrill(
      ControllerEvent.CommandEvent drill, Instant now, AuditRecords make) {
    ControllerMemory memory = store.load();
    if (memory.seen(drill.eventId())) {
      return Optional.empty(); // a redelivery: recorded (or refused) before
    }
    LoadBalancer.Observed observed = loadBalancer.read();
    Plan plan = plan(memory.record(drill).memory(), observed, now);
    Optional<String> why = DrillGate.refusal(drill.region(), observed, plan);
    if (why.isEmpty()) {
      return Optional.empty();
    }
    AuditRecord r =
        audited(
            make.drillRefused(drill.eventId(), observed, plan.decision(drill.region()), why.get()));
    return Optional.of(new Result(Optional.empty(), Optional.of(plan), false, List.of(r)));
  }

  /** The planner's answer for this memory and load balancer, with health as it is now. */
  private Plan plan(ControllerMemory memory, LoadBalancer.Observed observed, Instant now) {
    return plan(memory, observed, health(memory, now), now);
  }

  private Plan plan(
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

  private AuditRecords records(Trigger trigger, Instant now, Instant received) {
    return new AuditRecords(
        new AuditRecords.Context(
            settings.topology(),
            settings.version(),
            trigger,
            now,
            () -> Math.max(0, Duration.between(received, clock.instant()).toMillis())));
  }

  private AuditRecord audited(AuditRecord record) {
    audit.write(record);
    return record;
  }
}
