package dev.failover.cli;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A self-contained HTML page (no network: inline CSS, SVG and script) with a timeline: one lane per
 * region showing its level (the share of its base it serves) after each applied change, and markers
 * for incidents, builds, operator commands, safety holds and pages; below it the records as a
 * table.
 */
final class HtmlReport {
  private static final int WIDTH = 1100;
  private static final int LANE = 90;
  private static final int LEFT = 130;
  private static final int TOP = 30;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"
  };

  private HtmlReport() {}

  /** The records in time order, the regions they name, and the time span they cover. */
  private record Frame(List<JsonObject> sorted, Set<String> regions, Instant t0, Instant t1) {
    long span() {
      return Duration.between(t0, t1).toMillis();
    }

    static Frame of(List<JsonObject> records) {
      List<JsonObject> sorted = new ArrayList<>(records);
      sorted.sort((a, b) -> AuditFile.ts(a).compareTo(AuditFile.ts(b)));
      Set<String> regions = new TreeSet<>();
      for (JsonObject r : sorted) {
        AuditFile.regions(r).forEach(x -> regions.add(AuditFile.str(x, "region")));
      }
      Instant t0 = sorted.isEmpty() ? Instant.EPOCH : AuditFile.ts(sorted.get(0));
      Instant t1 =
          sorted.isEmpty()
              ? Instant.EPOCH.plusSeconds(60)
              : AuditFile.ts(sorted.get(sorted.size() - 1));
      if (!t1.isAfter(t0)) {
        t1 = t0.plusSeconds(60);
      }
      return new Frame(sorted, regions, t0, t1);
    }
  }

  static String render(String title, List<JsonObject> records) {
    Frame f = Frame.of(records);
    return page(title, svg(f), rows(f.sorted()), f.sorted().size());
  }

  /** The timeline: one lane per region with its level over time, and the markers. */
  private static String svg(Frame f) {
    StringBuilder svg = new StringBuilder();
    int lanes = f.regions().size();
    int height = TOP + lanes * LANE + 60;
    svg.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH + LEFT + 20)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"region levels over time\">");
    int i = 0;
    Map<String, Integer> laneOf = new LinkedHashMap<>();
    for (String region : f.regions()) {
      laneOf.put(region, i);
      lane(svg, f, region, i);
      i++;
    }
    markers(svg, f, laneOf, TOP + lanes * LANE + 20);
    svg.append("<text x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(height - 8)
        .append("\" class=\"tick\">")
        .append(esc(f.t0().toString()))
        .append("</text><text x=\"")
        .append(LEFT + WIDTH - 150)
        .append("\" y=\"")
        .append(height - 8)
        .append("\" class=\"tick\">")
        .append(esc(f.t1().toString()))
        .append("</text>");
    svg.append("</svg>");
    return svg.toString();
  }

  private static void lane(StringBuilder svg, Frame f, String region, int i) {
    int y0 = TOP + i * LANE;
    String colour = COLOURS[i % COLOURS.length];
    svg.append("<g class=\"lane\" data-region=\"").append(esc(region)).append("\">");
    svg.append("<text x=\"8\" y=\"")
        .append(y0 + LANE / 2)
        .append("\" class=\"label\">")
        .append(esc(region))
        .append("</text>");
    svg.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(LEFT + WIDTH)
        .append("\" y1=\"")
        .append(y0 + LANE - 10)
        .append("\" y2=\"")
        .append(y0 + LANE - 10)
        .append("\"/>");
    svg.append("<text x=\"")
        .append(LEFT - 40)
        .append("\" y=\"")
        .append(y0 + 14)
        .append("\" class=\"tick\">100%</text>");
    svg.append("<text x=\"")
        .append(LEFT - 30)
        .append("\" y=\"")
        .append(y0 + LANE - 10)
        .append("\" class=\"tick\">0%</text>");
    StringBuilder points = new StringBuilder();
    int level = 1000;
    points.append(x(f.t0(), f.t0(), f.span())).append(',').append(y(y0, level));
    Set<String> seen = new HashSet<>();
    for (JsonObject r : f.sorted()) {
      if (!AuditFile.str(r, "kind").equals("change")
          || !AuditFile.str(r, "outcome").equals("applied")
          || !seen.add(AuditFile.str(r, "record_id"))) {
        continue;
      }
      for (JsonObject rc : AuditFile.regions(r)) {
        if (AuditFile.str(rc, "region").equals(region) && rc.has("level")) {
          int next = rc.get("level").getAsInt();
          double x = x(AuditFile.ts(r), f.t0(), f.span());
          points.append(' ').append(x).append(',').append(y(y0, level));
          points.append(' ').append(x).append(',').append(y(y0, next));
          level = next;
        }
      }
    }
    points.append(' ').append(LEFT + WIDTH).append(',').append(y(y0, level));
    svg.append("<polyline class=\"region-line\" data-region=\"")
        .append(esc(region))
        .append("\" fill=\"none\" stroke=\"")
        .append(colour)
        .append("\" stroke-width=\"2.5\" points=\"")
        .append(points)
        .append("\"/>");
    svg.append("</g>");
  }

  /** Incidents, builds and commands on the events line; holds, drift, drills on their lane. */
  private static void markers(
      StringBuilder svg, Frame f, Map<String, Integer> laneOf, int eventsY) {
    svg.append("<text x=\"8\" y=\"").append(eventsY + 4).append("\" class=\"label\">events</text>");
    Set<String> marked = new HashSet<>();
    for (JsonObject r : f.sorted()) {
      String kind = AuditFile.str(r, "kind");
      JsonObject trigger = AuditFile.obj(r, "trigger");
      String type = AuditFile.str(trigger, "type");
      String marker = null;
      int y = eventsY;
      if (Set.of("hold", "drift", "drill", "verified").contains(kind)) {
        marker = kind; // on the lane of the region it concerns
        List<JsonObject> rs = AuditFile.regions(r);
        if (!rs.isEmpty() && laneOf.containsKey(AuditFile.str(rs.get(0), "region"))) {
          y = TOP + laneOf.get(AuditFile.str(rs.get(0), "region")) * LANE + LANE / 2;
        }
      } else if (kind.equals("page")) {
        marker = "page";
      } else if (Set.of("alert", "build", "command").contains(type)
          && !Set.of("ignored", "rejected").contains(kind)
          && marked.add(type + "/" + AuditFile.str(trigger, "event_id"))) {
        // deliveries that acted; the ones that changed nothing stay in the table
        marker = type;
      }
      if (marker == null) {
        continue;
      }
      double x = x(AuditFile.ts(r), f.t0(), f.span());
      svg.append("<g class=\"marker marker-")
          .append(marker)
          .append("\" transform=\"translate(")
          .append(x)
          .append(',')
          .append(y)
          .append(")\"><title>")
          .append(esc(AuditFile.str(r, "ts") + " " + marker + ": " + AuditFile.str(r, "message")))
          .append("</title>")
          .append(shape(marker))
          .append("</g>");
    }
  }

  private static String rows(List<JsonObject> sorted) {
    StringBuilder rows = new StringBuilder();
    for (JsonObject r : sorted) {
      rows.append("<tr class=\"kind-")
          .append(esc(AuditFile.str(r, "kind")))
          .append("\"><td>")
          .append(esc(AuditFile.str(r, "ts")))
          .append("</td><td>")
          .append(esc(AuditFile.str(r, "kind")))
          .append("</td><td>")
          .append(esc(AuditFile.str(r, "outcome")))
          .append("</td><td>")
          .append(esc(AuditFile.str(r, "rule")))
          .append("</td><td>")
          .append(esc(AuditFile.str(AuditFile.obj(r, "trigger"), "type")))
          .append(AuditFile.sender(r).isEmpty() ? "" : " by " + esc(AuditFile.sender(r)))
          .append("</td><td>")
          .append(esc(AuditFile.str(r, "message")))
          .append("</td></tr>\n");
    }
    return rows.toString();
  }

  private static String page(String title, String svg, String rows, int count) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + esc(title)
        + "</title>\n<style>"
        + "body{font-family:system-ui,sans-serif;margin:20px;color:#222}"
        + ".label{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#666}.axis{stroke:#bbb}"
        + "table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}"
        + ".kind-hold td,.kind-page td{background:#fff4e5}.kind-rejected td{background:#fdecea}"
        + ".legend span{margin-right:16px;font-size:12px}.dim{opacity:.25}"
        + "</style></head><body>\n<h1>"
        + esc(title)
        + "</h1>\n<p class=\"legend\">"
        + "<span>&#9679; incident</span><span>&#9632; build</span><span>&#9670; command</span><span>&#9650; safety hold</span><span>&#9660; drift</span><span>&#9711; drill step</span><span>&#10004; traffic verified</span><span>&#10006; page</span>"
        + "</p>\n"
        + svg
        + "\n<h2>Records ("
        + count
        + ")</h2>\n<table id=\"records\"><thead><tr><th>ts</th><th>kind</th>"
        + "<th>outcome</th><th>rule</th><th>trigger</th><th>message</th></tr></thead><tbody>\n"
        + rows
        + "</tbody></table>\n"
        + "<script>\n"
        + "document.querySelectorAll('.lane').forEach(function (lane) {\n"
        + "  lane.addEventListener('mouseenter', function () {\n"
        + "    document.querySelectorAll('.lane').forEach(function (o) { if (o !== lane) o.classList.add('dim'); });\n"
        + "  });\n"
        + "  lane.addEventListener('mouseleave', function () {\n"
        + "    document.querySelectorAll('.lane').forEach(function (o) { o.classList.remove('dim'); });\n"
        + "  });\n"
        + "});\n"
        + "document.body.setAttribute('data-lines', String(document.querySelectorAll('polyline.region-line').length));\n"
        + "</script>\n</body></html>\n";
  }

  private static String shape(String marker) {
    return switch (marker) {
      case "alert" -> "<circle r=\"6\" fill=\"#d62728\"/>";
      case "build" -> "<rect x=\"-5\" y=\"-5\" width=\"10\" height=\"10\" fill=\"#1f77b4\"/>";
      case "command" -> "<path d=\"M0,-7 L7,0 L0,7 L-7,0 Z\" fill=\"#9467bd\"/>";
      case "hold" -> "<path d=\"M0,-7 L7,6 L-7,6 Z\" fill=\"#ff7f0e\"/>";
      case "drift" -> "<path d=\"M0,7 L7,-6 L-7,-6 Z\" fill=\"#8c564b\"/>";
      case "drill" -> "<circle r=\"6\" fill=\"none\" stroke=\"#9467bd\" stroke-width=\"3\"/>";
      case "verified" ->
          "<path d=\"M-6,0 L-2,5 L6,-6\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"3\"/>";
      default -> "<path d=\"M-6,-6 L6,6 M6,-6 L-6,6\" stroke=\"#000\" stroke-width=\"3\"/>";
    };
  }

  private static double x(Instant t, Instant t0, long span) {
    return Math.round((LEFT + (double) WIDTH * Duration.between(t0, t).toMillis() / span) * 10)
        / 10.0;
  }

  private static int y(int laneTop, int level) {
    return laneTop + 10 + (LANE - 20) * (1000 - Math.max(0, Math.min(1000, level))) / 1000;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }
}
