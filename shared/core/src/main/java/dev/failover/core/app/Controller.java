package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.Planner;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.HealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one use case behind every entry point: record an event in memory, then reconcile.
 *
 * <p>Reconcile is level-triggered: it reads the load balancer and the memory, asks the {@link
 * Planner} for the config it wants, writes it with the fingerprint it read (re-reading and
 * re-planning on a stale fingerprint, a bounded number of times), audits the intent before the
 * write and the outcome after, and remembers the new region states. Every step can be repeated: a
 * crash anywhere heals on the next call, because the next call plans from what is there.
 */
public final class Controller {

  /** Settings of the use case. */
  public record Settings(
      Topology topology,
      Policy policy,
      String version,
      int maxAttempts,
      Duration firstBackoff,
      Duration incidentRetention) {
    public Settings {
      java.util.Objects.requireNonNull(topology);
      java.util.Objects.requireNonNull(policy);
      java.util.Objects.requireNonNull(version);
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
    }

    public static Settings of(Topology topology, Policy policy, String version) {
      return new Settings(
          topology, policy, version, 5, Duration.ofMillis(100), Duration.ofHours(6));
    }
  }

  /** What one call did. */
  public record Result(
      Optional<ControllerMemory.Recorded> recorded,
      Plan plan,
      boolean wrote,
      List<AuditRecord> records) {}

  private final Settings settings;
  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final HealthSource healthSource;
  private final AuditSink audit;
  private final Clock clock;
  private final Pause pause;

  public Controller(
      Settings settings,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource healthSource,
      AuditSink audit,
      Clock clock,
      Pause pause) {
    this.settings = settings;
    this.store = store;
    this.loadBalancer = loadBalancer;
    this.healthSource = healthSource;
    this.audit = audit;
    this.clock = clock;
    this.pause = pause;
  }

  public Settings settings() {
    return settings;
  }

  /** Records {@code event} (idempotent per event id) and reconciles. */
  public Result handle(ControllerEvent event, Trigger trigger, Instant now) {
    Instant received = clock.instant();
    if (settings.topology().find(event.region()).isEmpty()) {
      throw new IllegalArgumentException("region " + event.region() + " is not in the topology");
    }
    ControllerMemory.Recorded recorded = store.record(event);
    List<AuditRecord> records = new ArrayList<>();
    if (recorded.effect() == ControllerMemory.Effect.DUPLICATE
        || recorded.effect() == ControllerMemory.Effect.STALE) {
      records.add(
          inputRecord(
              Kind.IGNORED,
              trigger,
              now,
              received,
              recorded.effect().name().toLowerCase(java.util.Locale.ROOT)
                  + ": "
                  + recorded.detail()));
    }
    Result r = reconcile(trigger, now, false, received);
    records.addAll(r.records());
    return new Result(Optional.of(recorded), r.plan(), r.wrote(), records);
  }

  /** Reconciles without an event (the periodic tick). */
  public Result reconcile(Trigger trigger, Instant now) {
    return reconcile(trigger, now, false, clock.instant());
  }

  /** Plans what reconcile would do now, changing nothing. */
  public Plan dryRun(Instant now) {
    LoadBalancer.Observed observed = loadBalancer.read();
    ControllerMemory memory = store.load();
    return Planner.plan(
        memory,
        observed.config(),
        settings.topology(),
        settings.policy(),
        healthSource.observe(now),
        now);
  }

  /** An audit record for input that was refused or ignored before reaching memory. */
  public AuditRecord inputRecord(
      Kind kind, Trigger trigger, Instant now, Instant received, String message) {
    AuditRecord record =
        new AuditRecord(
            AuditRecord.recordId(trigger.eventId(), kind, "input"),
            now,
            kind,
            trigger,
            lbRef(Optional.empty(), Optional.empty()),
            List.of(),
            Optional.empty(),
            false,
            Outcome.SKIPPED,
            kind == Kind.REJECTED ? Optional.of(message) : Optional.empty(),
            latency(received),
            settings.version(),
            message);
    audit.write(record);
    return record;
  }

  private Result reconcile(Trigger trigger, Instant now, boolean dryRun, Instant received) {
    List<AuditRecord> records = new ArrayList<>();
    ControllerMemory.Pruned pruned =
        store.update(
            m -> {
              ControllerMemory.Pruned p = m.prune(now, settings.incidentRetention());
              return new StateStore.Change<>(p.memory(), p);
            });
    pruned
        .expiredPins()
        .forEach((region, pin) -> records.add(expired(trigger, now, received, region, pin)));

    for (int attempt = 1; ; attempt++) {
      LoadBalancer.Observed observed = loadBalancer.read();
      ControllerMemory memory = store.load();
      Plan plan =
          Planner.plan(
              memory,
              observed.config(),
              settings.topology(),
              settings.policy(),
              healthSource.observe(now),
              now);
      if (!plan.changesLoadBalancer()) {
        records.addAll(notices(memory, trigger, plan, now, received, observed, Optional.empty()));
        remember(memory, plan);
        return new Result(Optional.empty(), plan, false, records);
      }
      String step = "attempt-" + attempt;
      records.add(
          write(
              changeRecord(
                  Kind.INTENT,
                  trigger,
                  plan,
                  now,
                  received,
                  observed,
                  Optional.empty(),
                  Outcome.SKIPPED,
                  Optional.empty(),
                  step)));
      try {
        Map<Region, String> parked = park(memory, observed, plan);
        String after = loadBalancer.apply(plan.target(), observed.fingerprint(), parked);
        records.add(
            write(
                changeRecord(
                    Kind.CHANGE,
                    trigger,
                    plan,
                    now,
                    received,
                    observed,
                    Optional.of(after),
                    Outcome.APPLIED,
                    Optional.empty(),
                    step)));
        records.addAll(notices(memory, trigger, plan, now, received, observed, Optional.of(after)));
        remember(memory, plan);
        return new Result(Optional.empty(), plan, true, records);
      } catch (StaleFingerprintException e) {
        records.add(
            write(
                changeRecord(
                    Kind.CHANGE,
                    trigger,
                    plan,
                    now,
                    received,
                    observed,
                    Optional.empty(),
                    Outcome.FAILED,
                    Optional.of("stale fingerprint: " + e.getMessage()),
                    step)));
        if (attempt >= settings.maxAttempts()) {
          throw new TransientException(
              "load balancer changed under us " + attempt + " times in a row; giving up for now",
              e);
        }
        backoff(trigger, attempt);
      } catch (RuntimeException e) {
        records.add(
            write(
                changeRecord(
                    Kind.CHANGE,
                    trigger,
                    plan,
                    now,
                    received,
                    observed,
                    Optional.empty(),
                    Outcome.FAILED,
                    Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()),
                    step)));
        throw e;
      }
    }
  }

  /**
   * Before a write that removes backends, remembers their entries (write-ahead: a crash after the
   * write still leaves what the restore needs). Returns every parked entry.
   */
  private Map<Region, String> park(
      ControllerMemory basis, LoadBalancer.Observed observed, Plan plan) {
    Map<Region, String> leaving = new TreeMap<>();
    for (Region r : settings.topology().regionNames()) {
      String entry = observed.entries().get(r);
      if (entry != null
          && observed.config().setting(r).serving()
          && !plan.target().setting(r).serving()) {
        leaving.put(r, entry);
      }
    }
    if (leaving.isEmpty()) {
      return basis.parkedBackends();
    }
    return store.update(
        m -> {
          Map<Region, String> all = new TreeMap<>(m.parkedBackends());
          all.putAll(leaving);
          return new StateStore.Change<>(m.withParked(all), Map.copyOf(all));
        });
  }

  private void backoff(Trigger trigger, int attempt) {
    long base = settings.firstBackoff().toMillis() << Math.min(attempt - 1, 10);
    // Deterministic jitter in [0.5, 1.5) from the event id and attempt: no shared Random needed.
    int h = Math.floorMod((trigger.eventId() + "#" + attempt).hashCode(), 1000);
    long millis = base / 2 + base * h / 1000;
    try {
      pause.pause(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("interrupted while backing off", e);
    }
  }

  /**
   * Remembers the plan's region states, if nobody else changed them since the plan read them; a
   * concurrent reconcile that got there first wins, and the next call plans from its result.
   */
  private void remember(ControllerMemory basis, Plan plan) {
    Map<Region, RegionState> before = states(basis);
    if (before.equals(plan.nextStates())) {
      return;
    }
    store.update(
        m -> {
          if (!states(m).equals(before)) {
            return new StateStore.Change<>(m, false);
          }
          ControllerMemory next = m;
          for (Map.Entry<Region, RegionState> e : plan.nextStates().entrySet()) {
            RegionMemory rm = next.region(e.getKey());
            next = next.with(e.getKey(), rm.withState(e.getValue()));
          }
          return new StateStore.Change<>(next, true);
        });
  }

  private Map<Region, RegionState> states(ControllerMemory m) {
    Map<Region, RegionState> s = new TreeMap<>();
    for (Region r : settings.topology().regionNames()) {
      s.put(r, m.region(r).state());
    }
    return s;
  }

  /** Audits holds and pages when they begin or change, not on every tick while they stand. */
  private List<AuditRecord> notices(
      ControllerMemory basis,
      Trigger trigger,
      Plan plan,
      Instant now,
      Instant received,
      LoadBalancer.Observed observed,
      Optional<String> fingerprintAfter) {
    Map<String, String> current = new TreeMap<>();
    for (RegionDecision d : plan.holds()) {
      // keyed by rule alone: a partial drain that then holds under the same rule is one notice
      current.put(d.region().name(), d.rule().map(r -> r.wire()).orElse(d.action().wire()));
    }
    plan.page().ifPresent(p -> current.put("page", "page"));
    List<AuditRecord> out = new ArrayList<>();
    Map<String, String> previous = basis.notices();
    if (previous.equals(current)) {
      return out;
    }
    store.update(m -> new StateStore.Change<>(m.withNotices(current), true));
    for (RegionDecision d : plan.holds()) {
      String key = d.region().name();
      if (!current.get(key).equals(previous.get(key))) {
        out.add(
            write(
                new AuditRecord(
                    AuditRecord.recordId(trigger.eventId(), Kind.HOLD, key),
                    now,
                    Kind.HOLD,
                    trigger,
                    lbRef(Optional.of(observed.fingerprint()), fingerprintAfter),
                    List.of(regionChange(d)),
                    d.rule().map(r -> r.wire()),
                    false,
                    Outcome.SKIPPED,
                    Optional.empty(),
                    latency(received),
                    settings.version(),
                    d.region() + ": " + d.reason())));
      }
    }
    if (plan.page().isPresent() && !"page".equals(previous.get("page"))) {
      out.add(
          write(
              new AuditRecord(
                  AuditRecord.recordId(trigger.eventId(), Kind.PAGE, "page"),
                  now,
                  Kind.PAGE,
                  trigger,
                  lbRef(Optional.of(observed.fingerprint()), fingerprintAfter),
                  plan.decisions().stream().map(Controller::regionChange).toList(),
                  Optional.of("all_regions_sick"),
                  false,
                  Outcome.SKIPPED,
                  Optional.empty(),
                  latency(received),
                  settings.version(),
                  plan.page().get())));
    }
    return out;
  }

  private AuditRecord expired(
      Trigger trigger, Instant now, Instant received, Region region, Pin pin) {
    return write(
        new AuditRecord(
            AuditRecord.recordId(
                trigger.eventId(), Kind.EXPIRED, region.name() + "/" + pin.commandId()),
            now,
            Kind.EXPIRED,
            trigger,
            lbRef(Optional.empty(), Optional.empty()),
            List.of(),
            Optional.empty(),
            false,
            Outcome.SKIPPED,
            Optional.empty(),
            latency(received),
            settings.version(),
            pin.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " pin on "
                + region
                + " by "
                + pin.actor()
                + " expired at "
                + pin.expiresAt()
                + " (command "
                + pin.commandId()
                + ")"));
  }

  private AuditRecord changeRecord(
      Kind kind,
      Trigger trigger,
      Plan plan,
      Instant now,
      Instant received,
      LoadBalancer.Observed observed,
      Optional<String> fingerprintAfter,
      Outcome outcome,
      Optional<String> error,
      String step) {
    List<AuditRecord.RegionChange> regions =
        plan.decisions().stream().map(Controller::regionChange).toList();
    Optional<String> rule =
        plan.decisions().stream()
            .filter(RegionDecision::changes)
            .map(RegionDecision::rule)
            .flatMap(Optional::stream)
            .map(r -> r.wire())
            .findFirst();
    String summary =
        (kind == Kind.INTENT
                ? "about to write "
                : outcome == Outcome.APPLIED ? "wrote " : "failed to write ")
            + plan.target().display()
            + " (was "
            + observed.config().display()
            + ")";
    return new AuditRecord(
        AuditRecord.recordId(trigger.eventId(), kind, step),
        now,
        kind,
        trigger,
        lbRef(Optional.of(observed.fingerprint()), fingerprintAfter),
        regions,
        rule,
        false,
        outcome,
        error,
        latency(received),
        settings.version(),
        summary);
  }

  private static AuditRecord.RegionChange regionChange(RegionDecision d) {
    return new AuditRecord.RegionChange(
        d.region().name(),
        d.before().display(),
        d.after().display(),
        d.levelAfter(),
        d.action().wire(),
        d.reason(),
        d.rule().map(r -> r.wire()));
  }

  private AuditRecord.LoadBalancerRef lbRef(Optional<String> before, Optional<String> after) {
    Topology t = settings.topology();
    return new AuditRecord.LoadBalancerRef(
        t.project(), t.mode().name(), t.resource(), before, after);
  }

  private long latency(Instant received) {
    return Math.max(0, Duration.between(received, clock.instant()).toMillis());
  }

  private AuditRecord write(AuditRecord record) {
    audit.write(record);
    return record;
  }
}
