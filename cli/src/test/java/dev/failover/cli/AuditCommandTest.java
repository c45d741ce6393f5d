package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir static Path dir;
  static Path outage;
  static Path manual;

  @BeforeAll
  static void simulate() {
    outage = dir.resolve("outage.ndjson");
    manual = dir.resolve("manual.ndjson");
    assertEquals(
        0, Cli.run(Map.of(), "simulate", "regional-outage", "--audit", outage.toString()).exit());
    assertEquals(
        0,
        Cli.run(Map.of(), "simulate", "manual-drain-expiry", "--audit", manual.toString()).exit());
  }

  static long rows(Cli.Run r) {
    return r.out().lines().count() - 2; // header and the count line
  }

  @Test
  void kindFilter_keepsOnlyThoseKinds() {
    Cli.Run r = Cli.run(Map.of(), "audit", outage.toString(), "--kind", "change");
    assertEquals(0, r.exit(), r.err());
    assertEquals(5, rows(r));
    assertTrue(r.out().endsWith("5 of 12 records" + System.lineSeparator()), r.out());
  }

  @Test
  void timeFilters_areHalfOpen() {
    Cli.Run r =
        Cli.run(
            Map.of(),
            "audit",
            outage.toString(),
            "--since",
            "2026-11-01T12:20:00Z",
            "--until",
            "2026-11-01T12:24:00Z",
            "--kind",
            "change");
    assertEquals(2, rows(r), r.out());
  }

  @Test
  void actorAndRegionFilters() {
    assertEquals(
        2,
        rows(
            Cli.run(
                Map.of(),
                "audit",
                manual.toString(),
                "--actor",
                "alice@example.com",
                "--kind",
                "intent,change")));
    assertEquals(
        1, rows(Cli.run(Map.of(), "audit", manual.toString(), "--actor", "bob@example.com")));
    Cli.Run eu =
        Cli.run(
            Map.of(), "audit", manual.toString(), "--region", "europe-west1", "--kind", "change");
    assertEquals(5, rows(eu), eu.out());
  }

  @Test
  void commandRecords_showWhoSentThem_verifiedOrNot() throws Exception {
    Cli.Run r =
        Cli.run(
            Map.of(),
            "audit",
            manual.toString(),
            "--principal",
            "alice@example.com",
            "--kind",
            "change");
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, rows(r), r.out());
    String row = r.out().lines().skip(1).findFirst().orElseThrow();
    assertTrue(r.out().lines().findFirst().orElseThrow().contains(" SENT BY "), r.out());
    assertTrue(row.contains(" alice@example.com "), row);
    // the same command published straight to the topic: a claim, marked as such
    Path unverified = dir.resolve("unverified.ndjson");
    Files.writeString(
        unverified,
        Files.readString(manual, StandardCharsets.UTF_8)
            .replace(
                ",\"principal\":\"alice@example.com\",\"verified\":true", ",\"verified\":false"),
        StandardCharsets.UTF_8);
    Cli.Run claim =
        Cli.run(
            Map.of(),
            "audit",
            unverified.toString(),
            "--actor",
            "alice@example.com",
            "--kind",
            "change");
    assertTrue(claim.out().contains(" alice@example.com (unverified) "), claim.out());
    assertEquals(
        0,
        rows(
            Cli.run(Map.of(), "audit", unverified.toString(), "--principal", "alice@example.com")));
  }

  @Test
  void jsonOutput_isTheMatchingLines() throws Exception {
    Cli.Run r = Cli.run(Map.of(), "audit", outage.toString(), "--kind", "hold", "--output", "json");
    assertEquals(1, r.out().lines().count());
    assertTrue(Files.readAllLines(outage, StandardCharsets.UTF_8).contains(r.out().strip()));
  }

  @Test
  void badFilter_exits2AndNamesIt() {
    Cli.Run r = Cli.run(Map.of(), "audit", outage.toString(), "--kind", "drained");
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: --kind: unknown kind 'drained'; known: [change, drift, drill, expired, hold, ignored, intent, page, rejected, verified]",
        r.err().strip());
  }

  @Test
  void html_hasALinePerRegionAndTheEventMarkers() throws Exception {
    Path html = dir.resolve("report.html");
    Cli.Run r = Cli.run(Map.of(), "audit", outage.toString(), "--html", html.toString());
    assertEquals(0, r.exit(), r.err());
    String page = Files.readString(html);
    assertEquals(3, count(page, "<polyline class=\"region-line\""));
    assertEquals(
        1,
        count(page, "class=\"marker marker-alert\""),
        "one marker per alert delivery that acted");
    assertEquals(1, count(page, "class=\"marker marker-hold\""));
    assertTrue(page.contains("data-region=\"us-central1\""));
    assertTrue(
        !Pattern.compile("(src|href)\\s*=\\s*\"?https?:").matcher(page).find()
            && !page.contains("<link"),
        "self-contained: nothing is fetched from the network");
    // us-central1 steps down to 0 and back up through 10, 25, 50 %
    Matcher m =
        Pattern.compile(
                "data-region=\"us-central1\" fill=\"none\" stroke=\"[^\"]+\" stroke-width=\"2.5\" points=\"([^\"]+)\"")
            .matcher(page);
    assertTrue(m.find());
    assertEquals(12, m.group(1).split(" ").length, m.group(1));
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
