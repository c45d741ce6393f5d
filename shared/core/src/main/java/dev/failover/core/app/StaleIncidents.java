package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.Situation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every drain has an end, even when an incident's close is lost. An incident open for longer than
 * {@code incidentStaleAfter} (longer than any alert policy keeps one open without a close) in a
 * region that health has said HEALTHY for the restore hold is closed now and audited ({@code
 * expired}, rule {@code stale_incident}); the region then comes back through the usual hold and
 * ramp. Without health data the incident keeps its region out, and a page says so once (rule {@code
 * stale_incident_no_data}); an unhealthy region stays out quietly. Pure.
 */
final class StaleIncidents {
  private StaleIncidents() {}

  static final String NO_DATA = "stale_incident_no_data";

  /**
   * What the check found: its records, the edit that closes the expired incidents, and the notices
   * that stand while a stale incident has no health data (so that it pages once).
   */
  record Found(
      List<AuditRecord> records,
      UnaryOperator<ControllerMemory> close,
      Map<String, String> notices) {}

  static Found check(
      Situation situation,
      List<Region> regions,
      Map<Region, Health> health,
      Policy policy,
      Map<String, String> previousNotices,
      Instant now,
      AuditRecords make) {
    List<AuditRecord> records = new ArrayList<>();
    Map<Region, List<Incident>> expire = new TreeMap<>();
    Map<String, String> notices = new TreeMap<>();
    for (Region r : regions) {
      Health h = health.getOrDefault(r, Health.noData(Instant.EPOCH));
      for (Incident i : situation.region(r).incidents().values()) {
        if (!i.staleAt(now, policy.incidentStaleAfter())) {
          continue;
        }
        if (h.healthy() && !now.isBefore(h.since().plus(policy.restoreAfter()))) {
          expire.computeIfAbsent(r, k -> new ArrayList<>()).add(i);
          records.add(
              make.staleIncidentExpired(
                  r,
                  i,
                  stale(r, i, policy)
                      + "; health has said HEALTHY since "
                      + h.since()
                      + ", so it no longer wants "
                      + r
                      + " out (its close was probably lost)"));
        } else if (h.status() == Health.Status.NO_DATA) {
          String key = "stale/" + r.name() + "/" + i.id();
          notices.put(key, NO_DATA);
          if (!NO_DATA.equals(previousNotices.get(key))) {
            records.add(
                make.staleIncidentNoData(
                    r,
                    i,
                    stale(r, i, policy)
                        + ", and there is no health data for "
                        + r
                        + ": it keeps "
                        + r
                        + " out. If the incident is over, close it in Cloud Monitoring, or keep "
                        + r
                        + " in with failoverctl pin-serve "
                        + r));
          }
        }
      }
    }
    return new Found(records, closing(expire, now), notices);
  }

  private static String stale(Region region, Incident i, Policy policy) {
    return "incident "
        + i.id()
        + " ("
        + i.policy()
        + ") in "
        + region
        + " opened at "
        + i.startedAt()
        + " and had no close for "
        + policy.incidentStaleAfter();
  }

  private static UnaryOperator<ControllerMemory> closing(
      Map<Region, List<Incident>> expire, Instant now) {
    if (expire.isEmpty()) {
      return UnaryOperator.identity();
    }
    return m -> {
      ControllerMemory next = m;
      for (Map.Entry<Region, List<Incident>> e : expire.entrySet()) {
        RegionMemory rm = next.region(e.getKey());
        Map<String, Incident> incidents = new HashMap<>(rm.incidents());
        for (Incident i : e.getValue()) {
          Incident current = incidents.get(i.id());
          if (current != null && current.isOpen()) {
            incidents.put(i.id(), current.closedAt(now));
          }
        }
        next = next.with(e.getKey(), rm.withIncidents(incidents));
      }
      return next;
    };
  }
}
