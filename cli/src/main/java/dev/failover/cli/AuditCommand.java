package dev.failover.cli;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Review audit records (NDJSON from a file, or - for standard input): filter them, print a"
          + " table or the matching lines, or write a self-contained HTML report with a timeline."
    })
final class AuditCommand implements Callable<Integer> {
  @Parameters(
      arity = "0..1",
      paramLabel = "FILE|-",
      defaultValue = "-",
      description = "NDJSON audit records (default: standard input)")
  String file;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "only records at or after TIME: RFC 3339 (2026-11-01T12:00:00Z) or a duration ago (2h, PT30M)")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "only records before TIME (same forms as --since)")
  String until;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "only records that act on or hold REGION")
  String region;

  @Option(
      names = "--kind",
      paramLabel = "KIND[,KIND...]",
      description =
          "only these kinds: intent, change, hold, page, drift, ignored, rejected, expired")
  String kinds;

  @Option(
      names = "--actor",
      paramLabel = "WHO",
      description = "only records triggered by a command whose requested_by is WHO (a claim)")
  String actor;

  @Option(
      names = "--principal",
      paramLabel = "EMAIL",
      description =
          "only records triggered by a command the command endpoint verified as sent by EMAIL")
  String principal;

  @Option(
      names = "--output",
      paramLabel = "table|json",
      defaultValue = "table",
      description = "table (default) or json (the matching lines)")
  String output;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "also write a self-contained HTML report of the matching records")
  Path html;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  static final Set<String> KINDS =
      java.util.Arrays.stream(dev.failover.core.audit.AuditRecord.Kind.values())
          .map(dev.failover.core.audit.AuditRecord.Kind::wire)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  @Override
  public Integer call() throws IOException {
    Optional<Instant> from = Optional.ofNullable(since).map(s -> time("--since", s));
    Optional<Instant> to = Optional.ofNullable(until).map(s -> time("--until", s));
    Set<String> wanted = kinds();
    if (!output.equals("table") && !output.equals("json")) {
      throw new IllegalArgumentException("--output must be table or json, got '" + output + "'");
    }
    List<JsonObject> records = read();
    List<JsonObject> matching =
        records.stream()
            .filter(r -> from.isEmpty() || !AuditFile.ts(r).isBefore(from.get()))
            .filter(r -> to.isEmpty() || AuditFile.ts(r).isBefore(to.get()))
            .filter(r -> wanted.isEmpty() || wanted.contains(AuditFile.str(r, "kind")))
            .filter(
                r ->
                    actor == null
                        || actor.equals(AuditFile.str(AuditFile.obj(r, "trigger"), "actor")))
            .filter(
                r ->
                    principal == null
                        || principal.equalsIgnoreCase(
                            AuditFile.str(AuditFile.obj(r, "trigger"), "principal")))
            .filter(r -> region == null || actsOn(r, region))
            .toList();
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      matching.forEach(out::println);
    } else {
      boolean commands = matching.stream().anyMatch(r -> !AuditFile.sender(r).isEmpty());
      // the sender column appears when a command caused one of the records
      String format =
          commands ? "%-28s %-8s %-8s %-22s %-28s %s%n" : "%-28s %-8s %-8s %-22s %s%s%n";
      out.printf(format, "TS", "KIND", "OUTCOME", "RULE", commands ? "SENT BY" : "", "MESSAGE");
      for (JsonObject r : matching) {
        out.printf(
            format,
            AuditFile.str(r, "ts"),
            AuditFile.str(r, "kind"),
            AuditFile.str(r, "outcome"),
            AuditFile.str(r, "rule"),
            AuditFile.sender(r),
            AuditFile.str(r, "message"));
      }
      out.println(matching.size() + " of " + records.size() + " records");
    }
    if (html != null) {
      Files.writeString(
          html, HtmlReport.render("failover audit: " + file, matching), StandardCharsets.UTF_8);
      spec.commandLine().getErr().println("wrote " + html);
    }
    return 0;
  }

  /** The kinds --kind names, each checked; empty for all. */
  private Set<String> kinds() {
    Set<String> wanted =
        kinds == null
            ? Set.of()
            : Arrays.stream(kinds.split(",")).map(String::trim).collect(Collectors.toSet());
    for (String k : wanted) {
      if (!KINDS.contains(k)) {
        throw new IllegalArgumentException(
            "--kind: unknown kind '" + k + "'; known: " + new java.util.TreeSet<>(KINDS));
      }
    }
    return wanted;
  }

  /** The records of FILE, or of standard input for {@code -}. */
  private List<JsonObject> read() throws IOException {
    if (file.equals("-")) {
      return AuditFile.read(
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("FILE: no such file: " + file);
    }
    try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      return AuditFile.read(in);
    }
  }

  private static boolean actsOn(JsonObject r, String region) {
    return AuditFile.regions(r).stream()
        .anyMatch(
            rc ->
                region.equals(AuditFile.str(rc, "region"))
                    && (!AuditFile.str(rc, "action").equals("keep")
                        || !AuditFile.str(rc, "before").equals(AuditFile.str(rc, "after"))));
  }

  private Instant time(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      try {
        Duration ago = PublishCommand.parseTtl(text);
        return clock.instant().minus(ago);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            option
                + " must be an RFC 3339 time (2026-11-01T12:00:00Z) or a duration ago (2h, PT30M), got '"
                + text
                + "'");
      }
    }
  }
}
