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
 * that names the variables). Until the Google Cloud adapters land, the in-memory adapters serve:
 * each function instance keeps its own memory and load-balancer model.
 */
public final class Wiring {
  private static volatile Intake intake;

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
    Runtime runtime =
        Runtime.open(
            env, Clock.systemUTC(), System.getenv(), message -> System.err.println(message));
    return runtime.intake(
        env,
        audit,
        Clock.systemUTC(),
        d -> Thread.sleep(Math.min(d.toMillis(), Duration.ofSeconds(5).toMillis())));
  }
}
