package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.LoadBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Holds and pages are audited when they begin or change, not on every tick while they stand. The
 * memory keeps the notices last audited: by region name, the rule that holds it (a partial drain
 * that then holds under the same rule is one notice), and {@code page} while the controller is
 * frozen. Pure.
 */
final class Notices {
  private Notices() {}

  private static final String PAGE = "page";

  /**
   * What the notices become, and the records that announce what changed. {@code standing} are
   * notices other steps keep (a stale incident without health data), audited by those steps.
   */
  record Noticed(Map<String, String> notices, List<AuditRecord> records) {
    boolean changed(Map<String, String> previous) {
      return !notices.equals(previous);
    }
  }

  static Noticed of(
      Map<String, String> previous,
      Plan plan,
      Map<String, String> standing,
      LoadBalancer.Observed observed,
      Optional<LoadBalancer.Written> written,
      AuditRecords make) {
    Map<String, String> current = new TreeMap<>(standing);
    for (RegionDecision d : plan.holds()) {
      current.put(d.region().name(), d.rule().map(Rule::wire).orElse(d.action().wire()));
    }
    plan.page().ifPresent(p -> current.put(PAGE, PAGE));
    List<AuditRecord> out = new ArrayList<>();
    if (previous.equals(current)) {
      return new Noticed(previous, out);
    }
    for (RegionDecision d : plan.holds()) {
      String key = d.region().name();
      if (!current.get(key).equals(previous.get(key))) {
        out.add(make.hold(d, observed, written));
      }
    }
    if (plan.page().isPresent() && !PAGE.equals(previous.get(PAGE))) {
      out.add(make.allRegionsSick(plan, observed, written));
    }
    return new Noticed(current, out);
  }
}
