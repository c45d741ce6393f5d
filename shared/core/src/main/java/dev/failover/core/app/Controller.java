package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.planner.Plan;
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
import java.util.Optional;

/**
 * The one use case behind every entry point: record an event in memory, then reconcile. See the
 * package documentation for the pipeline of one reconcile and where each audit record is made.
 */
public final class Controller {

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
  private final AuditSink audit;
  private final Clock clock;
  private final Reconciler reconciler;
  private final QuietChange quiet;

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

  /** Records written on this thread by this controller: one delivery runs on one thread. */
  private final ThreadLocal<long[]> written = ThreadLocal.withInitial(() -> new long[1]);

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
    // counts what this thread wrote, so that a delivery nothing else recorded gets its record
    AuditSink counted =
        record -> {
          written.get()[0]++;
          audit.write(record);
        };
    this.audit = counted;
    this.clock = clock;
    this.reconciler =
        new Reconciler(settings, store, loadBalancer, healthSource, counted, clock, pause, traffic);
    this.quiet = new QuietChange(reconciler);
  }

  /**
   * Records {@code event} (idempotent per event id) and reconciles. Every call leaves at least one
   * audit record: when nothing else was written (the event changed nothing the load balancer
   * shows), an {@code ignored} record says what was done with it.
   */
  public Result handle(ControllerEvent event, Trigger trigger, Instant now) {
    AuditRecords make = records(trigger, now, clock.instant());
    long before = written.get()[0];
    Result r = recordAndReconcile(event, now, make);
    if (written.get()[0] != before) {
      return r;
    }
    return new Result(r.recorded(), r.plan(), r.wrote(), List.of(audited(outcome(event, r, make))));
  }

  /**
   * The record of a delivery nothing else recorded: a failed build left serving (rule {@code
   * build_failed}), or an event recorded (or recognised as known) that changed nothing.
   */
  private static AuditRecord outcome(ControllerEvent event, Result r, AuditRecords make) {
    String lb =
        r.plan()
            .map(p -> "the load balancer stays " + p.target().display())
            .orElse("nothing to reconcile");
    String what =
        r.recorded()
            .map(
                x ->
                    (x.effect() == ControllerMemory.Effect.CHANGED ? "recorded" : "nothing new")
                        + ": "
                        + x.detail())
            .orElse("not recorded");
    if (event instanceof ControllerEvent.BuildEvent b
        && b.status().failed()
        && r.recorded().map(x -> x.effect() == ControllerMemory.Effect.CHANGED).orElse(false)) {
      return make.unchanged(
          event.eventId(),
          Optional.of("build_failed"),
          "build "
              + b.buildId()
              + " ended "
              + b.status()
              + " in "
              + b.region()
              + ": a failed deploy leaves the previous revision serving, so the region is not"
              + " drained for it; "
              + lb);
    }
    return make.unchanged(event.eventId(), Optional.empty(), what + "; " + lb);
  }

  private Result recordAndReconcile(ControllerEvent event, Instant now, AuditRecords make) {
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
    ReconcileBudget budget = reconciler.budget();
    Optional<Reconciler.Reading> ahead = quiet.readAhead(store.load(), event, loadBalancer, now);
    StateStore.Recording<Optional<QuietChange.Settled>> recording =
        store.record(
            event,
            r ->
                ahead.isPresent()
                    ? quiet.settle(r, ahead.get(), make)
                    : new StateStore.Change<>(r.memory(), Optional.empty()));
    ControllerMemory.Recorded recorded = recording.recorded();
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
    if (recording.then().isPresent()) {
      // reconciled in the commit that recorded the event: its plan writes nothing
      QuietChange.Settled settled = recording.then().get();
      settled.records().forEach(r -> records.add(audited(r)));
      return new Result(Optional.of(recorded), Optional.of(settled.plan()), false, records);
    }
    ControllerMemory m = recorded.memory();
    if (recorded.effect() != ControllerMemory.Effect.CHANGED
        && m.books().writes().pending().isEmpty()
        && m.settled()) {
      // nothing to do: no read of the load balancer (a storm of renotifications and
      // redeliveries costs one memory transaction each); the tick still runs the clock's rules
      return new Result(Optional.of(recorded), Optional.empty(), false, records);
    }
    Result r = reconciler.reconcile(make, ahead, budget);
    records.addAll(r.records());
    return new Result(Optional.of(recorded), r.plan(), r.wrote(), records);
  }

  /** Reconciles without an event (the periodic tick). */
  public Result reconcile(Trigger trigger, Instant now) {
    return reconciler.reconcile(
        records(trigger, now, clock.instant()), Optional.empty(), reconciler.budget());
  }

  /** Plans what reconcile would do now, changing nothing. */
  public Plan dryRun(Instant now) {
    LoadBalancer.Observed observed = loadBalancer.read();
    return reconciler.dryRun(store.load(), observed, now);
  }

  /**
   * Audits input that was refused or ignored before reaching memory; {@code rule} names the case
   * where the review should count it apart (a test notification, a command at the wrong door).
   */
  public AuditRecord inputRecord(
      Kind kind,
      Trigger trigger,
      Instant now,
      Instant received,
      String message,
      Optional<String> rule) {
    return new InputRefusals(settings.topology(), settings.version(), audit, clock)
        .record(kind, trigger, now, received, message, rule);
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
    Plan plan = reconciler.dryRun(memory.record(drill).memory(), observed, now);
    Optional<String> why = DrillGate.refusal(drill.region(), observed, plan);
    if (why.isEmpty()) {
      return Optional.empty();
    }
    AuditRecord r =
        audited(
            make.drillRefused(drill.eventId(), observed, plan.decision(drill.region()), why.get()));
    return Optional.of(new Result(Optional.empty(), Optional.of(plan), false, List.of(r)));
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
