package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.Planner;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.HealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TrafficSource;
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
      Duration pendingGrace,
      Oversight oversight) {
    public Settings {
      java.util.Objects.requireNonNull(topology);
      java.util.Objects.requireNonNull(policy);
      java.util.Objects.requireNonNull(version);
      java.util.Objects.requireNonNull(oversight);
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
          Duration.ofMinutes(3),
          Oversight.defaults());
    }

    public Settings withOversight(Oversight o) {
      return new Settings(
          topology, policy, version, maxAttempts, firstBackoff, incidentRetention, pendingGrace, o);
    }
  }

  /**
   * What one call did. {@code plan} is empty when no reconcile ran: the event changed nothing and
   * every change before it was already reconciled.
   */
  public record Result(
      Optional<ControllerMemory.Recorded> recorded,
      Optional<Plan> plan,
      boolean wrote,
      List<AuditRecord> records) {}

  private final Settings settings;
  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final HealthSource healthSource;
  private final AuditSink audit;
  private final Clock clock;
  private final Pause pause;
  private final TrafficSource traffic;

  /** This instance, in its pending-write markers (see {@link PendingWrite#writer}). */
  private final String writer = java.util.UUID.randomUUID().toString();

  public Controller(
      Settings settings,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource healthSource,
      AuditSink audit,
      Clock clock,
      Pause pause) {
    this(settings, store, loadBalancer, healthSource, audit, clock, pause, TrafficSource.NONE);
  }

  public Controller(
      Settings settings,
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource healthSource,
      AuditSink audit,
      Clock clock,
      Pause pause,
      TrafficSource traffic) {
    this.traffic = traffic;
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
    if (event instanceof ControllerEvent.CommandEvent c
        && c.action() == ControllerEvent.CommandEvent.Action.DRILL) {
      Optional<Result> refused = refuseDrill(c, trigger, now, received);
      if (refused.isPresent()) {
        return refused.get();
      }
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
    ControllerMemory m = recorded.memory();
    if (recorded.effect() != ControllerMemory.Effect.CHANGED
        && m.pendingWrites().isEmpty()
        && m.settled()) {
      // nothing to do: no read of the load balancer (a storm of renotifications and
      // redeliveries costs one memory transaction each); the tick still runs the clock's rules
      return new Result(Optional.of(recorded), Optional.empty(), false, records);
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
    return plan(store.load(), observed, now);
  }

  /** The planner's answer for this memory and load balancer, with health as it is now. */
  private Plan plan(ControllerMemory memory, LoadBalancer.Observed observed, Instant now) {
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
      boolean settled = memory.pendingWrites().isEmpty();
      for (PendingWrite p : memory.pendingWrites()) {
        // younger markers may belong to a write another instance is making right now
        if (!p.at().plus(settings.pendingGrace()).isAfter(now)) {
          records.add(resolve(p, observed, trigger, now, received));
          memory = clearPending(p);
        }
      }
      if (settled) {
        memory = drift(memory, observed, trigger, now, received, records);
      }
      if (attempt == 1) {
        memory = verify(memory, trigger, now, received, records);
      }
      Plan plan = plan(memory, observed, now);
      memory = endAbortedDrills(memory, plan, now);
      if (!plan.changesLoadBalancer()) {
        records.addAll(notices(memory, trigger, plan, now, received, observed, Optional.empty()));
        remember(memory, plan, Optional.empty());
        return new Result(Optional.empty(), Optional.of(plan), false, records);
      }
      String step = "attempt-" + attempt;
      PendingWrite pending =
          PendingWrite.of(
              trigger.eventId(), step, plan.target(), observed.fingerprint(), now, writer);
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
      records.addAll(drillSteps(memory, trigger, plan, now, received, observed, written));
      remember(memory.withPending(pending), plan, Optional.of(pending));
      return new Result(Optional.empty(), Optional.of(plan), true, records);
    }
  }

  // ---- drills
  // ------------------------------------------------------------------------------------

  /**
   * A drill is refused, before anything is recorded, when the plan with its pin would not drain the
   * region fully: a safety rule holds it, another region is wanted out, or it is already drained.
   */
  private Optional<Result> refuseDrill(
      ControllerEvent.CommandEvent drill, Trigger trigger, Instant now, Instant received) {
    ControllerMemory memory = store.load();
    if (memory.seen(drill.eventId())) {
      return Optional.empty(); // a redelivery: recorded (or refused) before
    }
    LoadBalancer.Observed observed = loadBalancer.read();
    Plan plan = plan(memory.record(drill).memory(), observed, now);
    RegionDecision d = plan.decision(drill.region());
    Optional<String> why = Optional.empty();
    if (!observed.config().setting(drill.region()).serving()) {
      why = Optional.of(drill.region() + " is not serving; there is nothing to drill");
    } else if (plan.drillsAborted().contains(drill.region())
        || d.levelAfter() != 0
        || d.rule().orElse(null) != Rule.DRILL) {
      why = Optional.of(d.reason());
    }
    if (why.isEmpty()) {
      return Optional.empty();
    }
    AuditRecord r =
        write(
            new AuditRecord(
                AuditRecord.recordId(drill.eventId(), Kind.DRILL, "refused"),
                now,
                Kind.DRILL,
                trigger,
                lbRef(Optional.of(observed.fingerprint()), Optional.empty()),
                List.of(regionChange(d)),
                d.rule().map(Rule::wire),
                false,
                Outcome.SKIPPED,
                Optional.of("refused: " + why.get()),
                latency(received),
                settings.version(),
                "drill of " + drill.region() + " refused: " + why.get()));
    return Optional.of(new Result(Optional.empty(), Optional.of(plan), false, List.of(r)));
  }

  /** Ends the pins of drills the plan aborted, so that they do not resume later. */
  private ControllerMemory endAbortedDrills(ControllerMemory memory, Plan plan, Instant now) {
    if (plan.drillsAborted().isEmpty()) {
      return memory;
    }
    return store.update(
        m -> {
          ControllerMemory next = m;
          for (Region r : plan.drillsAborted()) {
            RegionMemory rm = next.region(r);
            Optional<Pin> pin = rm.pin().filter(p -> p.kind() == Pin.Kind.DRILL);
            if (pin.isPresent()) {
              next = next.with(r, rm.withPin(Optional.of(pin.get().endedAt(now))));
            }
          }
          return new StateStore.Change<>(next, next);
        });
  }

  /** One {@code drill} record per drill step an applied write made: started, aborted, ended. */
  private List<AuditRecord> drillSteps(
      ControllerMemory memory,
      Trigger trigger,
      Plan plan,
      Instant now,
      Instant received,
      LoadBalancer.Observed observed,
      LoadBalancer.Written written) {
    List<AuditRecord> out = new ArrayList<>();
    for (RegionDecision d : plan.decisions()) {
      Optional<Rule> rule = d.rule();
      Optional<Pin> pin = memory.region(d.region()).pin().filter(p -> p.kind() == Pin.Kind.DRILL);
      if (rule.isEmpty() || pin.isEmpty() || !d.changes()) {
        continue;
      }
      String step =
          switch (rule.get()) {
            case DRILL -> "started";
            case DRILL_END -> "ended";
            case DRILL_ABORTED -> "aborted";
            default -> "";
          };
      if (step.isEmpty()) {
        continue;
      }
      out.add(
          write(
              new AuditRecord(
                  AuditRecord.recordId(pin.get().commandId(), Kind.DRILL, step),
                  now,
                  Kind.DRILL,
                  trigger,
                  lbRef(Optional.of(observed.fingerprint()), Optional.of(written)),
                  List.of(regionChange(d)),
                  Optional.of(rule.get().wire()),
                  false,
                  Outcome.APPLIED,
                  Optional.empty(),
                  latency(received),
                  settings.version(),
                  "drill " + step + " in " + d.region() + ": " + d.reason())));
    }
    return out;
  }

  // ---- drift
  // -------------------------------------------------------------------------------------

  /** The config the memory's region states stand for: what the controller last put in place. */
  private LbConfig expected(ControllerMemory memory) {
    Map<Region, Integer> levels = new TreeMap<>();
    for (Region r : settings.topology().regionNames()) {
      levels.put(r, memory.region(r).state().level());
    }
    return settings.topology().configFor(levels);
  }

  /**
   * Compares the load balancer with what the controller last put there. A difference with no write
   * of ours in flight (memory read again after the load balancer, so a write that another instance
   * made in between shows as its marker or its new states) is drift: recorded, then adopted as pins
   * or left for the plan to revert, as the oversight policy says.
   */
  private ControllerMemory drift(
      ControllerMemory memory,
      LoadBalancer.Observed observed,
      Trigger trigger,
      Instant now,
      Instant received,
      List<AuditRecord> records) {
    if (expected(memory).equals(observed.config())) {
      return memory;
    }
    ControllerMemory fresh = store.load();
    if (!fresh.pendingWrites().isEmpty()) {
      return memory;
    }
    LbConfig expected = expected(fresh);
    if (expected.equals(observed.config())) {
      return fresh;
    }
    Instant recent = now.minus(settings.pendingGrace());
    for (PendingWrite w : fresh.recentWrites()) {
      if (!w.at().isBefore(recent) && w.shownBy(observed.config())) {
        // ours: two instances wrote at once and the earlier write's states were remembered
        // last; the plan below writes what the memory stands for
        return fresh;
      }
    }
    Oversight o = settings.oversight();
    List<AuditRecord.RegionChange> changes = new ArrayList<>();
    Map<Region, Pin.Kind> adopt = new TreeMap<>();
    List<Region> reverted = new ArrayList<>();
    for (Region r : settings.topology().regionNames()) {
      Setting want = expected.setting(r);
      Setting seen = observed.config().setting(r);
      if (want.equals(seen)) {
        continue;
      }
      String what;
      if (o.drift() == Oversight.Drift.ADOPT && want.serving() != seen.serving()) {
        adopt.put(r, seen.serving() ? Pin.Kind.SERVE : Pin.Kind.DRAIN);
        what =
            "adopted as a "
                + (seen.serving() ? "force-serve" : "drain")
                + " pin until "
                + now.plus(o.driftPinTtl());
      } else {
        reverted.add(r);
        what =
            o.drift() == Oversight.Drift.ADOPT
                ? "a level within a serving region cannot be adopted; reverted"
                : "reverted";
      }
      changes.add(
          new AuditRecord.RegionChange(
              r.name(),
              want.display(),
              seen.display(),
              fresh.region(r).state().level(),
              "drift",
              what,
              Optional.of(Rule.DRIFT.wire())));
    }
    String message =
        "the load balancer was changed outside the controller: it shows "
            + observed.config().display()
            + " where the controller last put "
            + expected.display()
            + (adopt.isEmpty() ? "" : "; adopted " + adopt.keySet())
            + (reverted.isEmpty() ? "" : "; reverting " + reverted);
    records.add(
        write(
            new AuditRecord(
                AuditRecord.recordId("drift", Kind.DRIFT, observed.fingerprint()),
                now,
                Kind.DRIFT,
                trigger,
                lbRef(Optional.of(observed.fingerprint()), Optional.empty()),
                changes,
                Optional.of(o.drift().wire()),
                false,
                Outcome.SKIPPED,
                Optional.empty(),
                latency(received),
                settings.version(),
                message)));
    if (adopt.isEmpty()) {
      return fresh;
    }
    return store.update(
        m -> {
          ControllerMemory next = m;
          for (Map.Entry<Region, Pin.Kind> e : adopt.entrySet()) {
            Pin pin =
                new Pin(
                    "drift:" + observed.fingerprint(),
                    e.getValue(),
                    "drift",
                    "adopted a change made outside the controller (seen "
                        + observed.config().setting(e.getKey()).display()
                        + ", expected "
                        + expected.setting(e.getKey()).display()
                        + ")",
                    now,
                    now.plus(o.driftPinTtl()),
                    false);
            next = next.with(e.getKey(), next.region(e.getKey()).withPin(Optional.of(pin)));
          }
          return new StateStore.Change<>(next, next);
        });
  }

  // ---- propagation
  // -------------------------------------------------------------------------------

  /** Watches for the regions an applied write drained fully or brought back from zero. */
  private List<Watch> watches(Plan plan, PendingWrite pending) {
    if (traffic == TrafficSource.NONE) {
      return List.of();
    }
    List<Watch> out = new ArrayList<>();
    for (RegionDecision d : plan.decisions()) {
      Watch.Direction direction = null;
      if (d.before().serving() && !d.after().serving()) {
        direction = Watch.Direction.OUT;
      } else if (!d.before().serving() && d.after().serving()) {
        direction = Watch.Direction.IN;
      }
      if (direction != null) {
        out.add(
            new Watch(
                d.region(),
                direction,
                pending.at(),
                pending.eventId(),
                pending.step() + "@" + pending.fingerprintBefore()));
      }
    }
    return out;
  }

  /**
   * Checks the load balancer's request rates for every watched change: a {@code verified} record
   * with the time traffic took to move, or, past {@code verifyWithin}, a page.
   */
  private ControllerMemory verify(
      ControllerMemory memory,
      Trigger trigger,
      Instant now,
      Instant received,
      List<AuditRecord> records) {
    if (memory.watches().isEmpty()) {
      return memory;
    }
    Oversight o = settings.oversight();
    Instant from =
        memory.watches().stream().map(Watch::writtenAt).min(Instant::compareTo).orElse(now);
    Map<Region, List<TrafficSource.Point>> rates = traffic.requestRates(from, now);
    List<Watch> done = new ArrayList<>();
    for (Watch w : memory.watches()) {
      Optional<TrafficSource.Point> moved =
          rates.getOrDefault(w.region(), List.of()).stream()
              .filter(p -> !p.start().isBefore(w.writtenAt()))
              .filter(
                  p ->
                      w.direction() == Watch.Direction.OUT
                          ? p.rps() <= o.verifyBelowRps()
                          : p.rps() > o.verifyBelowRps())
              .findFirst();
      String what =
          w.direction() == Watch.Direction.OUT
              ? "traffic to leave " + w.region()
              : "traffic to reach " + w.region();
      if (moved.isPresent()) {
        TrafficSource.Point p = moved.get();
        long seconds = Math.max(0, Duration.between(w.writtenAt(), p.end()).toSeconds());
        done.add(w);
        records.add(
            write(
                watchRecord(
                    w,
                    Kind.VERIFIED,
                    trigger,
                    now,
                    received,
                    Optional.of(seconds),
                    String.format(
                        Locale.ROOT,
                        "verified: %s took at most %d s after the write at %s (%.2f rps in the"
                            + " window %s..%s; threshold %.2f rps)",
                        what,
                        seconds,
                        w.writtenAt(),
                        p.rps(),
                        p.start(),
                        p.end(),
                        o.verifyBelowRps()))));
      } else if (!now.isBefore(w.writtenAt().plus(o.verifyWithin()))) {
        done.add(w);
        records.add(
            write(
                watchRecord(
                    w,
                    Kind.PAGE,
                    trigger,
                    now,
                    received,
                    Optional.empty(),
                    "no sign of "
                        + what
                        + " within "
                        + o.verifyWithin()
                        + " of the write at "
                        + w.writtenAt()
                        + ": the load balancer's metrics do not show the change, or could not"
                        + " be read (see the function's warnings); check the load balancer")));
      }
    }
    if (done.isEmpty()) {
      return memory;
    }
    return store.update(
        m -> {
          List<Watch> left = new ArrayList<>(m.watches());
          left.removeAll(done);
          ControllerMemory next = m.withWatches(left);
          return new StateStore.Change<>(next, next);
        });
  }

  private AuditRecord watchRecord(
      Watch w,
      Kind kind,
      Trigger trigger,
      Instant now,
      Instant received,
      Optional<Long> seconds,
      String message) {
    return new AuditRecord(
        AuditRecord.recordId(w.eventId(), kind, w.region().name() + "/" + w.write()),
        now,
        kind,
        trigger,
        lbRef(Optional.empty(), Optional.empty()),
        List.of(),
        kind == Kind.PAGE ? Optional.of("traffic_not_moved") : Optional.empty(),
        false,
        Outcome.SKIPPED,
        Optional.empty(),
        latency(received),
        settings.version(),
        message,
        seconds);
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
    long planned = basis.changes();
    if (before.equals(plan.nextStates()) && pending.isEmpty() && basis.reconciled() >= planned) {
      return;
    }
    List<Watch> started = pending.map(p -> watches(plan, p)).orElse(List.of());
    store.update(
        m -> {
          ControllerMemory next = m.withReconciled(planned);
          if (pending.isPresent()) {
            next =
                next.withoutPending(pending.get())
                    .withRecentWrite(
                        pending.get(), pending.get().at().minus(settings.pendingGrace()));
          }
          if (!started.isEmpty()) {
            List<Watch> all = new ArrayList<>();
            for (Watch w : next.watches()) {
              if (started.stream().noneMatch(s -> s.region().equals(w.region()))) {
                all.add(w); // a newer write to the same region supersedes the older watch
              }
            }
            all.addAll(started);
            next = next.withWatches(all);
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
