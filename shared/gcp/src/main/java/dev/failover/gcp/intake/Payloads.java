package dev.failover.gcp.intake;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Builds messages in the shapes the real services publish (Monitoring notification schema 1.2, the
 * Cloud Build resource), so that the simulator and tests go through the same parsers as the
 * functions.
 */
public final class Payloads {
  private Payloads() {}

  /** A Monitoring 1.2 notification for a per-region Cloud Run alert policy. */
  public static String monitoringIncident(
      Topology topology,
      String incidentId,
      String policyName,
      Region region,
      Instant startedAt,
      Optional<Instant> endedAt) {
    boolean open = endedAt.isEmpty();
    JsonObject userLabels = new JsonObject();
    userLabels.addProperty("region", region.name());
    JsonObject i = new JsonObject();
    i.addProperty("incident_id", incidentId);
    i.addProperty("scoping_project_id", topology.project());
    i.addProperty("scoping_project_number", 123456789012L);
    i.addProperty(
        "url",
        "https://console.cloud.google.com/monitoring/alerting/alerts/"
            + incidentId
            + "?channelType=pubsub&project="
            + topology.project());
    i.addProperty("severity", "Critical");
    i.addProperty("started_at", startedAt.getEpochSecond());
    if (open) {
      i.add("ended_at", JsonNull.INSTANCE);
    } else {
      i.addProperty("ended_at", endedAt.get().getEpochSecond());
    }
    i.addProperty("state", open ? "open" : "closed");
    i.addProperty("resource_id", "");
    i.addProperty("resource_name", topology.project() + " " + topology.resource());
    i.addProperty("resource_type_display_name", "Cloud Run Revision");
    i.add("resource", cloudRunResource(topology, region));
    i.add("metric", requestCount5xx());
    i.addProperty("policy_name", policyName);
    i.add("policy_user_labels", userLabels);
    i.addProperty("condition_name", "5xx ratio above 5% for 1 min");
    i.addProperty("threshold_value", "0.05");
    i.addProperty("observed_value", open ? "0.312" : "0.001");
    i.addProperty(
        "summary",
        "Request Count for "
            + topology.project()
            + " "
            + topology.resource()
            + (open
                ? " is above the threshold of 0.050 with a value of 0.312."
                : " returned to normal with a value of 0.001."));
    JsonObject root = new JsonObject();
    root.add("incident", i);
    root.addProperty("version", MonitoringAlerts.VERSION);
    return root.toString();
  }

  private static JsonObject cloudRunResource(Topology topology, Region region) {
    JsonObject labels = new JsonObject();
    labels.addProperty("configuration_name", topology.resource());
    labels.addProperty("location", region.name());
    labels.addProperty("project_id", topology.project());
    labels.addProperty("service_name", topology.resource());
    JsonObject resource = new JsonObject();
    resource.addProperty("type", "cloud_run_revision");
    resource.add("labels", labels);
    return resource;
  }

  private static JsonObject requestCount5xx() {
    JsonObject metricLabels = new JsonObject();
    metricLabels.addProperty("response_code_class", "5xx");
    JsonObject metric = new JsonObject();
    metric.addProperty("type", "run.googleapis.com/request_count");
    metric.addProperty("displayName", "Request Count");
    metric.add("labels", metricLabels);
    return metric;
  }

  /** A Cloud Build resource for a regional deploy trigger, and its message attributes. */
  public record BuildMessage(String data, Map<String, String> attributes) {}

  public static BuildMessage cloudBuild(
      String project,
      String buildId,
      BuildStatus status,
      String service,
      Region region,
      Instant at,
      CloudBuilds.Routing routing) {
    JsonObject b = new JsonObject();
    b.addProperty("name", "projects/" + project + "/locations/" + region + "/builds/" + buildId);
    b.addProperty("id", buildId);
    b.addProperty("projectId", project);
    b.addProperty("status", status.name());
    b.addProperty("createTime", at.toString());
    if (status.stage() >= BuildStatus.WORKING.stage()) {
      b.addProperty("startTime", at.toString());
    }
    if (status.terminal()) {
      b.addProperty("finishTime", at.toString());
    }
    JsonObject subs = new JsonObject();
    subs.addProperty("TRIGGER_NAME", "deploy-" + service + "-" + region);
    subs.addProperty("BRANCH_NAME", "main");
    subs.addProperty(routing.serviceKey(), service);
    subs.addProperty(routing.regionKey(), region.name());
    b.add("substitutions", subs);
    JsonArray tags = new JsonArray();
    tags.add("region-" + region);
    b.add("tags", tags);
    return new BuildMessage(b.toString(), Map.of("buildId", buildId, "status", status.name()));
  }
}
