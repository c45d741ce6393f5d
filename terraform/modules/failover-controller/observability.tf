# Watching the controller: log-based metrics on the lines the functions write, a dashboard, and alert
# policies on the controller itself.
#
# Log-based metrics rather than custom metrics written with the Monitoring API: the functions already
# write every audit record and, after each tick, one line per region with its level (Handling.levels);
# counting and extracting them costs no code on the path to a drain, no extra permission and no
# Monitoring API call that could fail or slow a write. The price: a minute or so of ingestion delay.

locals {
  # the Cloud Run services of the controller's functions and of the command endpoints, in the
  # controller's region
  controller_services = concat(
    [for k, _ in local.functions : "${var.name_prefix}-${k}"],
    [for k, _ in local.endpoints : "${var.name_prefix}-${k}-endpoint"],
  )
  # their log lines, in the Logging query language (log metrics): OR between values is Logging's
  function_logs = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.location=\"${var.region}\"",
    "resource.labels.service_name=(${join(" OR ", [for n in local.controller_services : "\"${n}\""])})",
  ])
  # their time series, in the Monitoring filter language (alert policies, dashboards), which has no
  # OR between values: one_of() is its documented form (Monitoring "Filters", value matching)
  function_series = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "resource.labels.location=\"${var.region}\"",
    "resource.labels.service_name=one_of(${join(", ", [for n in local.controller_services : "\"${n}\""])})",
  ])
  user_metric = "logging.googleapis.com/user"
}

# every audit record, by kind, rule and outcome: changes, holds, pages, verified...
resource "google_logging_metric" "records" {
  project = var.project
  name    = "${var.name_prefix}_records"
  filter  = "labels.failover_record=\"audit\" AND ${local.function_logs}"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "failover audit records"
    labels {
      key         = "kind"
      description = "change, hold, page, drift, drill, verified, ..."
    }
    labels {
      key         = "rule"
      description = "the safety rule, drift policy or page rule, if any"
    }
    labels {
      key         = "outcome"
      description = "applied, failed or skipped"
    }
  }

  label_extractors = {
    kind    = "EXTRACT(jsonPayload.kind)"
    rule    = "EXTRACT(jsonPayload.rule)"
    outcome = "EXTRACT(jsonPayload.outcome)"
  }
}

# each region's level (thousandths of its base) after every tick
resource "google_logging_metric" "level" {
  project         = var.project
  name            = "${var.name_prefix}_region_level"
  filter          = "labels.failover_record=\"level\" AND ${local.function_logs}"
  value_extractor = "EXTRACT(jsonPayload.level)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "1"
    display_name = "failover region level"
    labels {
      key         = "region"
      description = "the region"
    }
  }

  label_extractors = {
    region = "EXTRACT(jsonPayload.region)"
  }

  bucket_options {
    linear_buckets {
      num_finite_buckets = 20
      width              = 50
      offset             = 0
    }
  }
}

# ticks the controller reconciled (one line per delivery, Handling.log): their absence is the alarm
resource "google_logging_metric" "ticks" {
  project = var.project
  name    = "${var.name_prefix}_ticks_reconciled"
  filter  = "labels.failover_function=\"tick\" AND labels.failover_outcome=\"reconciled\" AND ${local.function_logs}"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "failover ticks reconciled"
  }
}

locals {
  run_service = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.service_name}\""
  dashboard = {
    displayName = "${var.service_name}: regions and failover"
    mosaicLayout = {
      columns = 12
      tiles = [
        for i, w in [
          {
            title = "Requests per second by region (Cloud Run)"
            xyChart = { dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = { timeSeriesFilter = {
                filter      = "metric.type=\"run.googleapis.com/request_count\" AND ${local.run_service}"
                aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.location"] }
              } }
            }] }
          },
          {
            title = "5xx share by region (Cloud Run)"
            xyChart = { dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = { timeSeriesFilterRatio = {
                numerator = {
                  filter      = "metric.type=\"run.googleapis.com/request_count\" AND ${local.run_service} AND metric.label.response_code_class=\"5xx\""
                  aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.location"] }
                }
                denominator = {
                  filter      = "metric.type=\"run.googleapis.com/request_count\" AND ${local.run_service}"
                  aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.location"] }
                }
              } }
            }] }
          },
          {
            title = "p95 latency by region, ms (Cloud Run)"
            xyChart = { dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = { timeSeriesFilter = {
                filter      = "metric.type=\"run.googleapis.com/request_latencies\" AND ${local.run_service}"
                aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_PERCENTILE_95", groupByFields = ["resource.label.location"] }
              } }
            }] }
          },
          {
            title = "Load balancer: requests per second to each region (backend_scope)"
            xyChart = { dataSets = [{
              plotType = "STACKED_AREA"
              timeSeriesQuery = { timeSeriesFilter = {
                filter      = "metric.type=\"loadbalancing.googleapis.com/https/backend_request_count\" AND resource.type=\"https_lb_rule\" AND resource.label.url_map_name=\"${var.topology.resource}\""
                aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.backend_scope"] }
              } }
            }] }
          },
          {
            title = "Controller: each region's level (1000 = fully serving)"
            xyChart = { dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = { timeSeriesFilter = {
                filter      = "metric.type=\"${local.user_metric}/${google_logging_metric.level.name}\""
                aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_PERCENTILE_50", crossSeriesReducer = "REDUCE_MEAN", groupByFields = ["metric.label.region"] }
              } }
            }] }
          },
          {
            title = "Controller: changes, holds, pages, verified (audit records by kind)"
            xyChart = { dataSets = [{
              plotType = "STACKED_BAR"
              timeSeriesQuery = { timeSeriesFilter = {
                filter      = "metric.type=\"${local.user_metric}/${google_logging_metric.records.name}\" AND metric.label.kind=monitoring.regex.full_match(\"change|hold|page|drift|drill|verified\")"
                aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.kind"] }
              } }
            }] }
          },
        ] : { xPos = (i % 2) * 6, yPos = floor(i / 2) * 4, width = 6, height = 4, widget = { title = w.title, xyChart = w.xyChart } }
      ]
    }
  }
}

resource "google_monitoring_dashboard" "failover" {
  project        = var.project
  dashboard_json = jsonencode(local.dashboard)
}

# --- alerts on the controller itself, to the channels the user names ---

# A new log-based metric is not at once a metric type an alert policy may name: creating the policy
# fails with 404 "Cannot find metric(s) that match type logging.googleapis.com/user/..." for up to
# about 10 minutes (provider issue 11102). The policies on our log metrics wait; a renamed metric
# waits again (triggers), an unchanged one never.
resource "time_sleep" "log_metrics_usable" {
  create_duration = "600s"

  triggers = {
    records = google_logging_metric.records.id
    ticks   = google_logging_metric.ticks.id
  }
}

resource "google_monitoring_alert_policy" "page" {
  project      = var.project
  display_name = "${var.name_prefix}: the controller paged"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "a page audit record (all regions look sick, or traffic did not move after a write)"
    condition_threshold {
      filter          = "metric.type=\"${local.user_metric}/${google_logging_metric.records.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.kind=\"page\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.rule"]
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = "The failover controller wrote a page record. Rule all_regions_sick: every region is wanted out and the controller froze the load balancer. Rule traffic_not_moved: a write did not move traffic within verify_within. Review with `failoverctl audit --kind page`, the dashboard, and the audit table."
    mime_type = "text/markdown"
  }

  notification_channels = var.notification_channels

  depends_on = [time_sleep.log_metrics_usable]
}

resource "google_monitoring_alert_policy" "traffic_not_moved" {
  project      = var.project
  display_name = "${var.name_prefix}: a change's traffic did not move"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "a failed propagation check (page, rule traffic_not_moved)"
    condition_threshold {
      filter          = "metric.type=\"${local.user_metric}/${google_logging_metric.records.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.kind=\"page\" AND metric.label.rule=\"traffic_not_moved\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = "The load balancer's metrics did not show traffic leaving (or reaching) a region within verify_within of the controller's write. The record's traffic field says where the requests went. Check the URL map or backend service by hand."
    mime_type = "text/markdown"
  }

  notification_channels = var.notification_channels

  depends_on = [time_sleep.log_metrics_usable]
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project      = var.project
  display_name = "${var.name_prefix}: events dead-lettered"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "a message in the dead-letter subscription"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.label.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = "An alert, build, command or tick could not be delivered to its function in 10 attempts and was dead-lettered. Pull it from the dead-letter subscription to see it; the function's logs say why."
    mime_type = "text/markdown"
  }

  notification_channels = var.notification_channels
}

resource "google_monitoring_alert_policy" "function_errors" {
  project      = var.project
  display_name = "${var.name_prefix}: controller functions failing"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "5xx answers from a controller function for 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_count\" AND ${local.function_series} AND metric.label.response_code_class=\"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = "A controller function answers 5xx: deliveries fail and Pub/Sub redelivers them (a transient cloud error, or a crash). One failing minute can be a blip; five in a row is not. The function's logs say why."
    mime_type = "text/markdown"
  }

  notification_channels = var.notification_channels
}

resource "google_monitoring_alert_policy" "tick_stopped" {
  project      = var.project
  display_name = "${var.name_prefix}: no successful tick for 5 minutes"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "no reconciled tick for 300s"
    condition_absent {
      filter   = "metric.type=\"${local.user_metric}/${google_logging_metric.ticks.name}\" AND resource.type=\"cloud_run_revision\""
      duration = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = "The tick drives restores, ramps, expiries and propagation checks. Without it drained regions stay drained and pins never expire. Check the Cloud Scheduler job, the ticks topic and the tick function's logs."
    mime_type = "text/markdown"
  }

  notification_channels = var.notification_channels

  depends_on = [time_sleep.log_metrics_usable]
}
