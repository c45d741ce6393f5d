package dev.failover.functions;

import dev.failover.gcp.audit.AuditOutput;
import dev.failover.gcp.config.Components;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.Intake;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The composition root of the functions: builds the handlers once per instance, on the first event,
 * from the environment (validated; an invalid environment fails every invocation with a message
 * that names the variables), or earlier, in the background, when the instance starts ({@link
 * #warm}).
 *
 * <p>The Functions Framework constructs the entry points itself, so the instance's handlers are
 * held here, in one place: a {@link Composition}. Tests install theirs through the same door.
 */
public final class Wiring {

  /**
   * What one function instance runs on: the handlers, the adapters under them when they were opened
   * from a configuration (read once at warm-up), and where the audit records go when that needs a
   * step after each delivery (rows of the audit table).
   */
  public record Composition(
      Intake intake, Optional<Components> components, Optional<AuditOutput> audit) {
    public Composition {
      Objects.requireNonNull(intake, "intake");
      Objects.requireNonNull(components, "components");
      Objects.requireNonNull(audit, "audit");
    }

    /** The handlers over {@code components}, as production builds them. */
    public static Composition of(Components components, Intake intake, AuditOutput audit) {
      return new Composition(intake, Optional.of(components), Optional.of(audit));
    }

    /** The handlers over {@code components}, their records written as they are made. */
    public static Composition of(Components components, Intake intake) {
      return new Composition(intake, Optional.of(components), Optional.empty());
    }

    /** Handlers put together by hand (tests over in-memory adapters). */
    public static Composition of(Intake intake) {
      return new Composition(intake, Optional.empty(), Optional.empty());
    }

    /** Handlers put together by hand, their records going to {@code audit}. */
    public static Composition of(Intake intake, AuditOutput audit) {
      return new Composition(intake, Optional.empty(), Optional.of(audit));
    }

    /** After a delivery of {@code stream}: its audit rows appended (see {@link AuditOutput}). */
    void afterDelivery(Intake.Stream stream) {
      audit.ifPresent(a -> a.afterDelivery(stream == Intake.Stream.TICK));
    }
  }

  private static volatile Composition current;

  /** A command endpoint and where its refusals' audit records go. */
  record Endpoint(dev.failover.gcp.intake.CommandEndpoint handler, Optional<AuditOutput> audit) {}

  private static final java.util.Map<dev.failover.gcp.intake.OperatorCommands.Door, Endpoint>
      endpoints = new java.util.concurrent.ConcurrentHashMap<>();
  private static final AtomicBoolean warming = new AtomicBoolean();

  private Wiring() {}

  public static Intake intake() {
    return composition().intake();
  }

  /**
   * After every delivery, whatever its outcome, before the function answers: hands the delivery's
   * audit records on to where they are kept (see {@link Composition#afterDelivery}).
   *
   * @throws dev.failover.core.port.TransientException when they could be neither written nor kept:
   *     the delivery fails, to be retried
   */
  static void afterDelivery(Intake.Stream stream) {
    Composition c = current;
    if (c != null) {
      c.afterDelivery(stream);
    }
  }

  private static Composition composition() {
    Composition c = current;
    if (c == null) {
      synchronized (Wiring.class) {
        c = current;
        if (c == null) {
          c = fromEnvironment(Env.from(System.getenv()));
          current = c;
        }
      }
    }
    return c;
  }

  /**
   * Called as a function instance is constructed: builds the handlers on a background thread and
   * makes one read of the memory and of the load balancer, so that class loading, client creation
   * and connection set-up overlap the invoker's start and the first delivery's arrival instead of
   * following it. Only reads; a failure is left for the first event to report. Does nothing when no
   * topology is configured (tests install their own handlers).
   */
  static void warm() {
    if (current != null
        || (System.getenv("FAILOVER_TOPOLOGY") == null
            && System.getenv("FAILOVER_TOPOLOGY_FILE") == null)
        || !warming.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                Composition c = composition();
                c.components()
                    .ifPresent(
                        parts -> {
                          parts.store().load();
                          parts.loadBalancer().read();
                        });
                c.audit().ifPresent(AuditOutput::warm);
              } catch (RuntimeException e) {
                // the first event builds again and reports the problem
              }
            },
            "failover-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The command endpoint behind {@code door}, built once per instance from the environment: the
   * topology (to check commands), the audit output (no outbox: the endpoints' account may touch
   * nothing but the verified-commands topic and the audit table) and the verified-commands topic.
   * It needs neither memory nor the load balancer.
   */
  static Endpoint endpoint(dev.failover.gcp.intake.OperatorCommands.Door door) {
    return endpoints.computeIfAbsent(
        door,
        d -> {
          Env env = Env.from(System.getenv());
          AuditOutput audit =
              AuditOutput.open(
                  env.audit(), System.getenv(), Optional.empty(), System.out, System.err::println);
          return new Endpoint(
              dev.failover.gcp.config.Assembly.commandEndpoint(
                  d,
                  env,
                  Components.verifiedCommands(System.getenv()),
                  audit.sink(),
                  Clock.systemUTC()),
              Optional.of(audit));
        });
  }

  /** Builds the endpoint as the instance starts, when it is configured; errors wait for a call. */
  static void warmEndpoint(dev.failover.gcp.intake.OperatorCommands.Door door) {
    if (endpoints.containsKey(door) || System.getenv("FAILOVER_VERIFIED_COMMANDS_TOPIC") == null) {
      return;
    }
    try {
      endpoint(door);
    } catch (RuntimeException e) {
      // the first request builds again and reports the problem
    }
  }

  /** Replaces the endpoint behind a door (tests); null forgets it. */
  public static void installEndpoint(
      dev.failover.gcp.intake.OperatorCommands.Door door,
      dev.failover.gcp.intake.CommandEndpoint endpoint) {
    installEndpoint(door, endpoint, Optional.empty());
  }

  /** Replaces the endpoint behind a door and where its records go (tests); null forgets it. */
  public static void installEndpoint(
      dev.failover.gcp.intake.OperatorCommands.Door door,
      dev.failover.gcp.intake.CommandEndpoint endpoint,
      Optional<AuditOutput> audit) {
    if (endpoint == null) {
      endpoints.remove(door);
    } else {
      endpoints.put(door, new Endpoint(endpoint, audit));
    }
  }

  /**
   * Replaces the instance's handlers (tests, local runs with other adapters); null forgets them.
   */
  public static synchronized void install(Composition replacement) {
    current = replacement;
  }

  static Composition fromEnvironment(Env env) {
    Components opened =
        Components.open(
            env, Clock.systemUTC(), System.getenv(), message -> System.err.println(message));
    AuditOutput audit =
        AuditOutput.open(
            env.audit(), System.getenv(), opened.auditOutbox(), System.out, System.err::println);
    return Composition.of(
        opened,
        opened.intake(
            env,
            audit.sink(),
            Clock.systemUTC(),
            d -> Thread.sleep(Math.min(d.toMillis(), Duration.ofSeconds(5).toMillis()))),
        audit);
  }
}
