package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.gcp.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What terraform deploys matches what the code reads and runs. */
class TerraformWiringTest {
  static final Path MODULE = Path.of("../terraform/modules/failover-controller");

  /** The keys of {@code function_env = { ... }} in the controller module. */
  static Set<String> terraformEnv() throws Exception {
    String main = Files.readString(MODULE.resolve("main.tf"));
    int start = main.indexOf("function_env = {");
    assertTrue(start >= 0, "function_env block in main.tf");
    int depth = 0;
    int end = start;
    for (int i = main.indexOf('{', start); i < main.length(); i++) {
      char c = main.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        end = i;
        break;
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\s{4}([A-Z][A-Z0-9_]+)\\s*=").matcher(main.substring(start, end));
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Test
  void everyVariableTerraformSets_isOneTheFunctionsRead() throws Exception {
    Set<String> tf = terraformEnv();
    assertTrue(tf.size() >= 8, "found " + tf);
    Set<String> unknown = new TreeSet<>(tf);
    unknown.removeAll(Env.VARIABLES);
    assertEquals(Set.of(), unknown, "terraform sets variables the functions never read");
    assertTrue(
        tf.containsAll(Set.of("FAILOVER_TOPOLOGY", "FAILOVER_ADAPTERS", "FAILOVER_UPTIME_CHECKS")),
        tf.toString());
  }

  @Test
  void theListOfVariables_isTheOneTheCodeReads() throws Exception {
    Set<String> inCode = new TreeSet<>();
    for (String f : new String[] {"Env.java", "Components.java"}) {
      Matcher m =
          Pattern.compile("\"((?:FAILOVER|K|FIRESTORE)_[A-Z0-9_]+)\"")
              .matcher(
                  Files.readString(
                      Path.of("../shared/gcp/src/main/java/dev/failover/gcp/config", f)));
      while (m.find()) {
        inCode.add(m.group(1));
      }
    }
    assertEquals(new TreeSet<>(Env.VARIABLES), inCode);
  }

  /**
   * Each event function Terraform deploys is an HTTP function for a push subscription, and handles
   * the stream of the topic its subscription reads (functions key: entry point and topic).
   */
  @Test
  void everyEntryPointTerraformNames_isAFunctionClass() throws Exception {
    Matcher m =
        Pattern.compile(
                "(?s)\\n    ([a-z]+) = \\{\\s*entry_point = \"([a-zA-Z.]+)\"\\s*topic\\s*= ([^\\n]+)")
            .matcher(Files.readString(MODULE.resolve("main.tf")));
    Map<String, String> streams = new TreeMap<>();
    while (m.find()) {
      Class<?> c = Class.forName(m.group(2));
      assertTrue(PushFunction.class.isAssignableFrom(c), c.getName());
      PushFunction f = (PushFunction) c.getDeclaredConstructor().newInstance();
      streams.put(m.group(1), f.stream().wire() + " <- " + m.group(3).strip());
    }
    assertEquals(
        Map.of(
            "alerts", "alerts <- google_pubsub_topic.alerts.id",
            "builds", "builds <- local.cloud_builds_topic",
            "commands", "commands <- google_pubsub_topic.commands.id",
            "verified", "verified_commands <- google_pubsub_topic.verified_commands.id",
            "tick", "tick <- google_pubsub_topic.ticks.id"),
        streams);
    Matcher e =
        Pattern.compile("entry_point = \"([a-zA-Z.]+)\"")
            .matcher(Files.readString(MODULE.resolve("endpoints.tf")));
    Set<String> endpoints = new TreeSet<>();
    while (e.find()) {
      Class<?> c = Class.forName(e.group(1));
      assertTrue(com.google.cloud.functions.HttpFunction.class.isAssignableFrom(c), c.getName());
      endpoints.add(c.getSimpleName());
    }
    assertEquals(Set.of("BreakGlassEndpointFunction", "CommandEndpointFunction"), endpoints);
  }
}
