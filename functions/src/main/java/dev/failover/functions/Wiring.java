package dev.failover.functions;

import dev.failover.core.port.AuditSink;
import dev.failover.gcp.audit.CloudLoggingAuditSink;
import dev.failover.gcp.audit.NdjsonFileAuditSink;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.config.Runtime;
import dev.failover.gcp.intake.Intake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The composition root of the functions: builds the handlers once per instance, on the first event,
 * from the environment (validated; an invalid environment fails every invocation with a message
 * that names the variables), or earlier, in the background, when the instance starts ({@link
 * #warm}).
 */
public final class Wiring {
  private static volatile Intake intake;
  private static volatile Runtime runtime;
  private static final java.util.concurrent.atomic.AtomicBoolean warming =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Wiring() {}

  public static Intake intake() {
    Intake i = intake;
    if (i == null) {
      synchronized (Wiring.class) {
        i = intake;
        if (i == null) {
          i = fromEnvironment(Env.from(System.getenv()));
          intake = i;
        }
      }
    }
    return i;
  }

  /**
   * Called as a function instance is constructed: builds the handlers on a background thread and
   * makes one read of the memory and of the load balancer, so that class loading, client creation
   * and connection set-up overlap the invoker's start and the first delivery's arrival instead of
   * following it. Only reads; a failure is left for the first event to report. Does nothing when no
   * topology is configured (tests install their own handlers).
   */
  static void warm() {
    if (intake != null
        || (System.getenv("FAILOVER_TOPOLOGY") == null
            && System.getenv("FAILOVER_TOPOLOGY_FILE") == null)
        || !warming.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                intake();
                Runtime r = runtime;
                if (r != null) {
                  r.store().load();
                  r.loadBalancer().read();
                }
              } catch (RuntimeException e) {
                // the first event builds again and reports the problem
              }
            },
            "failover-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Replaces the handlers (tests, local runs with other adapters). */
  public static synchronized void install(Intake replacement) {
    intake = replacement;
  }

  static Intake fromEnvironment(Env env) {
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
    Runtime opened =
        Runtime.open(
            env, Clock.systemUTC(), System.getenv(), message -> System.err.println(message));
    runtime = opened;
    return opened.intake(
        env,
        audit,
        Clock.systemUTC(),
        d -> Thread.sleep(Math.min(d.toMillis(), Duration.ofSeconds(5).toMillis())));
  }
}
