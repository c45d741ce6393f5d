package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit report rendered in headless Chromium (Debian's package, which .ci/run installs): no
 * console errors, three region lines after the page's script ran, a screenshot under target/. Where
 * no Chromium exists the test says so and is skipped.
 */
class AuditHtmlIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path TARGET = Path.of("target");

  @BeforeAll
  static void needsChromium() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + ": rendering test skipped");
  }

  record Rendered(String dom, String log) {}

  static Rendered render(Path html, Path screenshot) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> base =
        List.of(
            CHROMIUM.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,1000");
    List<String> shot = new ArrayList<>(base);
    shot.add("--screenshot=" + screenshot.toAbsolutePath());
    shot.add(html.toUri().toString());
    String log = run(shot).log();
    List<String> dump = new ArrayList<>(base);
    dump.add("--dump-dom");
    dump.add(html.toUri().toString());
    Rendered d = run(dump);
    return new Rendered(d.dom(), log + d.log());
  }

  private static Rendered run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish in 90 s");
    }
    return new Rendered(Files.readString(out), Files.readString(err));
  }

  static List<String> consoleLines(String log) {
    return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
  }

  @Test
  void outageReport_rendersThreeRegionLinesWithoutConsoleErrors() throws Exception {
    Files.createDirectories(TARGET);
    Path ndjson = TARGET.resolve("audit-report-outage.ndjson");
    Path html = TARGET.resolve("audit-report.html");
    assertEquals(
        0, Cli.run(Map.of(), "simulate", "regional-outage", "--audit", ndjson.toString()).exit());
    assertEquals(
        0, Cli.run(Map.of(), "audit", ndjson.toString(), "--html", html.toString()).exit());
    Path png = TARGET.resolve("audit-report.png");
    Files.deleteIfExists(png);
    Rendered r = render(html, png);
    assertEquals(List.of(), consoleLines(r.log()), "console output of the report");
    assertTrue(
        r.dom().contains("data-lines=\"3\""),
        "the page's script ran and counted three region lines");
    assertEquals(3, AuditCommandTest.count(r.dom(), "<polyline class=\"region-line\""));
    assertTrue(Files.size(png) > 10_000, "a screenshot was saved: " + png.toAbsolutePath());
  }

  @Test
  void consoleErrorsAreSeen_soThePassAboveMeansSomething() throws Exception {
    Path bad = TARGET.resolve("console-error-control.html");
    Files.writeString(
        bad,
        "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>",
        StandardCharsets.UTF_8);
    Rendered r = render(bad, TARGET.resolve("console-error-control.png"));
    assertTrue(
        consoleLines(r.log()).stream()
            .anyMatch(l -> l.contains("Uncaught ReferenceError: undefinedFunction is not defined")),
        r.log());
  }
}
