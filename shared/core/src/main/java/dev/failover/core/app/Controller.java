package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.PendingWrite;
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
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one use case behind every entry point: record an event in memory, then reconcile.
 *
 * <p>Reconcile is level-triggered: it reads the load balancer and the memory, asks the {@link
 * Planner} for the config it wants, and writes it with the fingerprint it read (re-reading and
 * re-planning on a stale fingerprint, a bounded number of times). Every write is bracketed: a
 * pending-write marker is stored in memory, an {@code intent} record is audited, the write is made,
 * its {@code change} record gives the outcome, and the marker is cleared with the new region
 * states. A crash anywhere in between leaves the marker. A reconcile resolves a marker only once it
 * is older than {@code pendingGrace} (longer than any write can take, so it cannot belong to a
 * write another instance is making right now): the load balancer shows the write or it does not,
 * and the outcome is recorded then. Each writer keeps its own marker, so racing instances cannot
 * erase each other's. The outcome of a write has one record id (event, attempt, fingerprint read)
 * however it is recorded, so BigQuery keeps exactly one {@code applied} record per write.
 */
public final class Controller {

  /** Settings of the use case. */
  public record Settings(
      Topology topology,
      Policy policy,
      String version,
      int maxAttempts,
      Duration firstBackoff,
      Duration incidentRetention,
      Duration pendingGrace) {
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
          topology,
          policy,
          version,
          5,
          Duration.ofMillis(100),
          Duration.ofHours(6),
          Duration.ofMinutes(3));
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
              recorded.effect().name().toLowerCase(Locale.ROOT) + ": " + recorded.detail()));
    }
    Result r = reconcile(trigger, now, received);
    records.addAll(r.records());
    return new Result(Optional.of(recorded), r.plan(), r.wrote(), records);
  }

  /** Reconciles without an event (the periodic tick). */
  public Result reconcile(Trigger trigger, Instant now) {
    return reconcile(trigger, now, clock.instant());
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
    return write(
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
            message));
  }

  private Result reconcile(Trigger trigger, Instant now, Instant received) {
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
      // the prune just read the memory: the first attempt plans from that, later ones read again
      ControllerMemory memory = attempt == 1 ? pruned.memory() : store.load();
      for (PendingWrite p : memory.pendingWrites()) {
        // younger markers may belong to a write another instance is making right now
        if (!p.at().plus(settings.pendingGrace()).isAfter(now)) {
          records.add(resolve(p, observed, trigger, now, received));
          memory = clearPending(p);
        }
      }
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
        remember(memory, plan, Optional.empty());
        return new Result(Optional.empty(), plan, false, records);
      }
      String step = "attempt-" + attempt;
      PendingWrite pending =
          PendingWrite.of(trigger.eventId(), step, plan.target(), observed.fingerprint(), now);
      Map<Region, String> parked = announce(memory, observed, plan, pending);
      records.add(
          write(
              changeRecord(
                  Kind.INTENT,
                  trigger,
                  plan,
                  now,
                  received,
                  observed,
                  pending,
                  Optional.empty(),
                  Outcome.SKIPPED,
                  Optional.empty())));
      LoadBalancer.Written written;
      try {
        written = loadBalancer.apply(plan.target(), observed.fingerprint(), parked);
      } catch (StaleFingerprintException e) {
        // certainly not applied: the platform refused the stale fingerprint
        records.add(
            failed(
                trigger,
                plan,
                now,
                received,
                observed,
                pending,
                "stale fingerprint: " + e.getMessage()));
        clearPending(pending);
        if (attempt >= settings.maxAttempts()) {
          throw new TransientException(
              "load balancer changed under us " + attempt + " times in a row; giving up for now",
              e);
        }
        backoff(trigger, attempt);
        continue;
      } catch (PermanentException | IllegalArgumentException e) {
        // certainly not applied: the platform refused the write
        records.add(failed(trigger, plan, now, received, observed, pending, describe(e)));
        clearPending(pending);
        throw e;
      } catch (RuntimeException e) {
        // perhaps applied (a timeout, a lost answer): the marker stays, the next reconcile checks
        records.add(failed(trigger, plan, now, received, observed, pending, describe(e)));
        throw e;
      }
      records.add(
          write(
              changeRecord(
                  Kind.CHANGE,
                  trigger,
                  plan,
                  now,
                  received,
                  observed,
                  pending,
                  Optional.of(written),
                  Outcome.APPLIED,
                  Optional.empty())));
      records.addAll(notices(memory, trigger, plan, now, received, observed, Optional.of(written)));
      remember(memory.withPending(pending), plan, Optional.of(pending));
      return new Result(Optional.empty(), plan, true, records);
    }
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * Before a write: stores the pending-write marker and, for backends the write removes, their
   * entries (so a restore re-adds them exactly, even after a crash). Returns every parked entry.
   */
  private Map<Region, String> announce(
      ControllerMemory basis, LoadBalancer.Observed observed, Plan plan, PendingWrite pending) {
    Map<Region, String> leaving = new TreeMap<>();
    for (Region r : settings.topology().regionNames()) {
      String entry = observed.entries().get(r);
      if (entry != null
          && observed.config().setting(r).serving()
          && !plan.target().setting(r).serving()) {
        leaving.put(r, entry);
      }
    }
    return store.update(
        m -> {
          Map<Region, String> all = new TreeMap<>(m.parkedBackends());
          all.putAll(leaving);
          return new StateStore.Change<>(m.withParked(all).withPending(pending), Map.copyOf(all));
        });
  }

  private ControllerMemory clearPending(PendingWrite pending) {
    return store.update(
        m -> {
          ControllerMemory next = m.withoutPending(pending);
          return new StateStore.Change<>(next, next);
        });
  }

  /**
   * The outcome of a write whose process stopped before recording it: applied if the load balancer
   * shows every setting the write was to make, else failed.
   */
  private AuditRecord resolve(
      PendingWrite p,
      LoadBalancer.Observed observed,
      Trigger trigger,
      Instant now,
      Instant received) {
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
    return write(
        new AuditRecord(
            outcomeId(p, applied ? Outcome.APPLIED : Outcome.FAILED),
            now,
            Kind.CHANGE,
            new Trigger(
                trigger.type(),
                p.eventId(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            lbRef(Optional.of(p.fingerprintBefore()), Optional.empty()),
            List.of(),
            Optional.empty(),
            false,
            applied ? Outcome.APPLIED : Outcome.FAILED,
            applied
                ? Optional.empty()
                : Optional.of("interrupted; the write is not on the load balancer"),
            latency(received),
            settings.version(),
            message));
  }

  /** One id per write outcome: the event, the attempt and the fingerprint the write presented. */
  private static String outcomeId(PendingWrite p, Outcome outcome) {
    String step =
        p.step() + "@" + p.fingerprintBefore() + (outcome == Outcome.APPLIED ? "" : "/failed");
    return AuditRecord.recordId(p.eventId(), Kind.CHANGE, step);
  }

  private AuditRecord failed(
      Trigger trigger,
      Plan plan,
      Instant now,
      Instant received,
      LoadBalancer.Observed observed,
      PendingWrite pending,
      String error) {
    return write(
        changeRecord(
            Kind.CHANGE,
            trigger,
            plan,
            now,
            received,
            observed,
            pending,
            Optional.empty(),
            Outcome.FAILED,
            Optional.of(error)));
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
   * Remembers the plan's region states and clears the pending-write marker, if nobody else changed
   * the states since the plan read them; a concurrent reconcile that got there first wins, and the
   * next call plans from its result.
   */
  private void remember(ControllerMemory basis, Plan plan, Optional<PendingWrite> pending) {
    Map<Region, RegionState> before = states(basis);
    if (before.equals(plan.nextStates()) && pending.isEmpty()) {
      return;
    }
    store.update(
        m -> {
          ControllerMemory next = m;
          if (pending.isPresent()) {
            next = next.withoutPending(pending.get());
          }
          if (states(m).equals(before)) {
            for (Map.Entry<Region, RegionState> e : plan.nextStates().entrySet()) {
              RegionMemory rm = next.region(e.getKey());
              next = next.with(e.getKey(), rm.withState(e.getValue()));
            }
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
      Optional<LoadBalancer.Written> written) {
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
                    lbRef(Optional.of(observed.fingerprint()), written),
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
                  lbRef(Optional.of(observed.fingerprint()), written),
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
            pin.kind().name().toLowerCase(Locale.ROOT)
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
      PendingWrite pending,
      Optional<LoadBalancer.Written> written,
      Outcome outcome,
      Optional<String> error) {
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
    String id =
        kind == Kind.INTENT
            ? AuditRecord.recordId(
                pending.eventId(), Kind.INTENT, pending.step() + "@" + pending.fingerprintBefore())
            : outcomeId(pending, outcome);
    return new AuditRecord(
        id,
        now,
        kind,
        trigger,
        lbRef(Optional.of(observed.fingerprint()), written),
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

  private AuditRecord.LoadBalancerRef lbRef(
      Optional<String> before, Optional<LoadBalancer.Written> written) {
    Topology t = settings.topology();
    return new AuditRecord.LoadBalancerRef(
        t.project(),
        t.mode().name(),
        t.resource(),
        before,
        written.flatMap(LoadBalancer.Written::fingerprint),
        written.flatMap(LoadBalancer.Written::operation));
  }

  private long latency(Instant received) {
    return Math.max(0, Duration.between(received, clock.instant()).toMillis());
  }

  private AuditRecord write(AuditRecord record) {
    audit.write(record);
    return record;
  }
}
