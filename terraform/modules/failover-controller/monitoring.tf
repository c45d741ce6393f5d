resource "google_monitoring_notification_channel" "alerts" {
  project      = var.project
  display_name = "${var.name_prefix} controller"
  type         = "pubsub"
  labels = {
    topic = google_pubsub_topic.alerts.id
  }
}

# one uptime check per region, reaching the region's service directly: the only evidence of health
# a drained region (which receives no load-balancer traffic) can give
resource "google_monitoring_uptime_check_config" "region" {
  for_each = var.run_urls

  lifecycle {
    # an uptime check for a region the controller does not steer would be read by nobody, and a typo
    # in a region name would leave the real region without the only health a drained region has
    precondition {
      condition     = contains([for r in var.topology.regions : r.region], each.key)
      error_message = "run_urls names ${each.key}, which is not a region of the topology."
    }
  }

  project      = var.project
  display_name = "${var.service_name} ${each.key}"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path         = var.health_path
    port         = 443
    use_ssl      = true
    validate_ssl = true
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project
      host       = trimsuffix(trimprefix(each.value, "https://"), "/")
    }
  }
}

# per region: the share of 5xx answers; the region is in user_labels, where the controller reads it
resource "google_monitoring_alert_policy" "errors" {
  for_each = local.regions

  project      = var.project
  display_name = "${var.service_name} 5xx ratio ${each.key}"
  combiner     = "OR"
  severity     = "CRITICAL"
  user_labels = {
    region  = each.key
    purpose = "failover"
  }

  conditions {
    display_name = "5xx share above ${var.alert_5xx_ratio} for ${var.alert_window}"
    condition_threshold {
      filter = join(" AND ", [
        "resource.type=\"cloud_run_revision\"",
        "metric.type=\"run.googleapis.com/request_count\"",
        "resource.labels.service_name=\"${var.service_name}\"",
        "resource.labels.location=\"${each.key}\"",
        "metric.labels.response_code_class=\"5xx\"",
      ])
      denominator_filter = join(" AND ", [
        "resource.type=\"cloud_run_revision\"",
        "metric.type=\"run.googleapis.com/request_count\"",
        "resource.labels.service_name=\"${var.service_name}\"",
        "resource.labels.location=\"${each.key}\"",
      ])
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.location"]
      }
      denominator_aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.location"]
      }
      comparison              = "COMPARISON_GT"
      threshold_value         = var.alert_5xx_ratio
      duration                = var.alert_window
      evaluation_missing_data = "EVALUATION_MISSING_DATA_INACTIVE"
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close           = "1800s"
    notification_prompts = ["OPENED", "CLOSED"]
  }

  documentation {
    content   = "The failover controller drains ${each.key} while this incident is open, within its safety rules."
    mime_type = "text/markdown"
    subject   = "${var.service_name}: 5xx ratio high in ${each.key}"
  }

  notification_channels = [google_monitoring_notification_channel.alerts.id]
}

resource "google_monitoring_alert_policy" "latency" {
  for_each = var.alert_p95_ms > 0 ? local.regions : {}

  project      = var.project
  display_name = "${var.service_name} p95 latency ${each.key}"
  combiner     = "OR"
  severity     = "WARNING"
  user_labels = {
    region  = each.key
    purpose = "failover"
  }

  conditions {
    display_name = "p95 above ${var.alert_p95_ms} ms for ${var.alert_window}"
    condition_threshold {
      filter = join(" AND ", [
        "resource.type=\"cloud_run_revision\"",
        "metric.type=\"run.googleapis.com/request_latencies\"",
        "resource.labels.service_name=\"${var.service_name}\"",
        "resource.labels.location=\"${each.key}\"",
      ])
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_PERCENTILE_95"
        group_by_fields      = ["resource.label.location"]
      }
      comparison              = "COMPARISON_GT"
      threshold_value         = var.alert_p95_ms
      duration                = var.alert_window
      evaluation_missing_data = "EVALUATION_MISSING_DATA_INACTIVE"
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close           = "1800s"
    notification_prompts = ["OPENED", "CLOSED"]
  }

  notification_channels = [google_monitoring_notification_channel.alerts.id]
}
