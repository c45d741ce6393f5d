package dev.failover.functions;

import dev.failover.core.port.AuditSink;
import dev.failover.gcp.audit.CloudLoggingAuditSink;
import dev.failover.gcp.audit.NdjsonFileAuditSink;
import dev.failover.gcp.config.Components;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.Intake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
   * What one function instance runs on: the handlers, and the adapters under them when they were
   * opened from a configuration (read once at warm-up).
   */
  public record Composition(Intake intake, Optional<Components> components) {
    public Composition {
      Objects.requireNonNull(intake, "intake");
      Objects.requireNonNull(components, "components");
    }

    /** The handlers over {@code components}, as production builds them. */
    public static Composition of(Components components, Intake intake) {
      return new Composition(intake, Optional.of(components));
    }

    /** Handlers put together by hand (tests over in-memory adapters). */
    public static Composition of(Intake intake) {
      return new Composition(intake, Optional.empty());
    }
  }

  private static volatile Composition current;
  private static final java.util.Map<
          dev.failover.gcp.intake.OperatorCommands.Door, dev.failover.gcp.intake.CommandEndpoint>
      endpoints = new java.util.concurrent.ConcurrentHashMap<>();
  private static final AtomicBoolean warming = new AtomicBoolean();

  private Wiring() {}

  public static Intake intake() {
    return composition().intake();
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
                composition()
                    .components()
                    .ifPresent(
                        c -> {
                          c.store().load();
                          c.loadBalancer().read();
                        });
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
   * topology (to check commands), the audit sink and the verified-commands topic. It needs neither
   * memory nor the load balancer.
   */
  static dev.failover.gcp.intake.CommandEndpoint endpoint(
      dev.failover.gcp.intake.OperatorCommands.Door door) {
    return endpoints.computeIfAbsent(
        door,
        d -> {
          Env env = Env.from(System.getenv());
          return dev.failover.gcp.config.Assembly.commandEndpoint(
              d,
              env,
              Components.verifiedCommands(System.getenv()),
              auditSink(env),
              Clock.systemUTC());
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
    if (endpoint == null) {
      endpoints.remove(door);
    } else {
      endpoints.put(door, endpoint);
    }
  }

  /**
   * Replaces the instance's handlers (tests, local runs with other adapters); null forgets them.
   */
  public static synchronized void install(Composition replacement) {
    current = replacement;
  }

  /** FAILOVER_AUDIT: an NDJSON file ({@code file:PATH}), else Cloud Logging lines on stdout. */
  private static AuditSink auditSink(Env env) {
    if (env.audit().startsWith("file:")) {
      try {
        return new NdjsonFileAuditSink(Path.of(env.audit().substring("file:".length())), true);
      } catch (IOException e) {
        throw new UncheckedIOException("FAILOVER_AUDIT: cannot open " + env.audit(), e);
      }
    }
    return new CloudLoggingAuditSink(System.out);
  }

  static Composition fromEnvironment(Env env) {
    AuditSink audit = auditSink(env);
    Components opened =
        Components.open(
            env, Clock.systemUTC(), System.getenv(), message -> System.err.println(message));
    return Composition.of(
        opened,
        opened.intake(
            env,
            audit,
            Clock.systemUTC(),
            d -> Thread.sleep(Math.min(d.toMillis(), Duration.ofSeconds(5).toMillis()))));
  }
}
