module "topology" {
  source       = "../topology-json"
  topology     = var.topology
  expected_rps = var.expected_rps
}

data "google_project" "this" {
  project_id = var.project
}

locals {
  # the environment every function reads (names checked against dev.failover.gcp.config.Env by a test)
  function_env = {
    FAILOVER_ADAPTERS             = "google"
    FAILOVER_TOPOLOGY             = module.topology.json
    FAILOVER_POLICY               = jsonencode({ for k, v in var.policy : k => v if v != null })
    FAILOVER_BUILD_SERVICE        = var.service_name
    FAILOVER_BUILD_SERVICE_KEY    = join(",", var.build_service_substitutions)
    FAILOVER_BUILD_REGION_KEY     = join(",", var.build_region_substitutions)
    FAILOVER_HEALTH_SERVICE       = var.service_name
    FAILOVER_UPTIME_CHECKS        = jsonencode({ for r, c in google_monitoring_uptime_check_config.region : r => c.uptime_check_id })
    FAILOVER_HEALTH_MAX_5XX_RATIO = tostring(var.alert_5xx_ratio)
    # an uptime minute is unhealthy only when probes failed from this many checker locations
    FAILOVER_UPTIME_FAILING_LOCATIONS = tostring(var.uptime_failing_locations)
    FAILOVER_FIRESTORE_DATABASE       = google_firestore_database.state.name
    FAILOVER_LEDGER_TTL               = "P7D"
    FAILOVER_MAX_EVENT_AGE            = "PT1H"
    # every record as a Cloud Logging line on stdout and a row of the audit table (state.tf)
    FAILOVER_AUDIT  = "bigquery:projects/${var.project}/datasets/${google_bigquery_dataset.audit.dataset_id}/tables/${google_bigquery_table.audit_records.table_id}"
    FAILOVER_EVENTS = google_pubsub_topic.events.id
    # where the command endpoints publish (read by the endpoints only)
    FAILOVER_VERIFIED_COMMANDS_TOPIC = google_pubsub_topic.verified_commands.id
  }

  functions = {
    alerts = {
      entry_point = "dev.failover.functions.AlertsFunction"
      topic       = google_pubsub_topic.alerts.id
    }
    builds = {
      entry_point = "dev.failover.functions.BuildsFunction"
      topic       = local.cloud_builds_topic
    }
    commands = {
      entry_point = "dev.failover.functions.CommandsFunction"
      topic       = google_pubsub_topic.commands.id
    }
    # commands the endpoints published, with the principal Cloud Run authenticated
    verified = {
      entry_point = "dev.failover.functions.VerifiedCommandsFunction"
      topic       = google_pubsub_topic.verified_commands.id
    }
    tick = {
      entry_point = "dev.failover.functions.TickFunction"
      topic       = google_pubsub_topic.ticks.id
    }
  }

  cloud_builds_topic = var.create_cloud_builds_topic ? google_pubsub_topic.cloud_builds[0].id : "projects/${var.project}/topics/cloud-builds"
  # where Cloud Functions copies each function's source before building it (provider issue 20571)
  function_sources_bucket = "gcf-v2-sources-${data.google_project.this.number}-${var.region}"
  regions                 = { for r in var.topology.regions : r.region => r }
  # the accounts that append audit records: the five functions and the command endpoints
  audit_writers = merge(
    { for k, a in google_service_account.fn : k => "serviceAccount:${a.email}" },
    { endpoints = "serviceAccount:${google_service_account.endpoint.email}" },
  )
  audit_schema = var.audit_schema != "" ? var.audit_schema : "${path.module}/../../../schema/audit_record.bigquery.json"
}
