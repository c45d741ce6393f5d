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
   * Replaces the instance's handlers (tests, local runs with other adapters); null forgets them.
   */
  public static synchronized void install(Composition replacement) {
    current = replacement;
  }

  static Composition fromEnvironment(Env env) {
    AuditSink audit;
    if (env.audit().startsWith("file:")) {
      try {
        audit = new NdjsonFileAuditSink(Path.of(env.audit().substring("file:".length())), true);
      } catch (IOException e) {
        throw new UncheckedIOException("FAILOVER_AUDIT: cannot open " + env.audit(), e);
      }
    } else {
      audit = new CloudLoggingAuditSink(System.out);
    }
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
