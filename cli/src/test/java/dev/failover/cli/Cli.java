package dev.failover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;

/** Runs failoverctl in-process with a given environment and a fixed clock. */
final class Cli {
  record Run(int exit, String out, String err) {}

  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");

  static Run run(Map<String, String> env, String... args) {
    return run(env, Clock.fixed(NOW, ZoneOffset.UTC), args);
  }

  static Run run(Map<String, String> env, Clock clock, String... args) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K o = defaults.create(cls);
            if (o instanceof ConfigOptions c) {
              c.base = env;
            } else if (o instanceof PublishCommand p) {
              p.clock = clock;
              p.tokens = IdentityToken.variableOnly();
              p.gcloudAccount = () -> java.util.Optional.ofNullable(env.get("TEST_GCLOUD_ACCOUNT"));
              p.osUser = () -> env.getOrDefault("TEST_OS_USER", "");
              if (env.containsKey("TEST_NO_ADC")) {
                p.adc =
                    () -> {
                      throw new java.io.IOException("Your default credentials were not found.");
                    };
              }
            } else if (o instanceof StatusCommand s) {
              s.clock = clock;
            } else if (o instanceof PlanCommand p) {
              p.clock = clock;
            } else if (o instanceof AuditCommand a) {
              a.clock = clock;
            }
            return o;
          }
        };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Failoverctl.commandLine(factory);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
