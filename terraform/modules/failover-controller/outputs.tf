output "topics" {
  description = "Topic ids: alerts, commands (direct publishers only), verified (the endpoints publish here), ticks, events (change notifications out), dead-letter, cloud-builds."
  value = {
    alerts       = google_pubsub_topic.alerts.id
    commands     = google_pubsub_topic.commands.id
    verified     = google_pubsub_topic.verified_commands.id
    ticks        = google_pubsub_topic.ticks.id
    events       = google_pubsub_topic.events.id
    dead_letter  = google_pubsub_topic.dead_letter.id
    cloud_builds = local.cloud_builds_topic
  }
}

output "command_endpoint_url" {
  description = "The command endpoint, for FAILOVER_COMMAND_ENDPOINT: failoverctl sends commands here as the caller, whose principal the audit records show."
  value       = google_cloudfunctions2_function.endpoint["command"].service_config[0].uri
}

output "break_glass_endpoint_url" {
  description = "The break-glass endpoint, for FAILOVER_BREAK_GLASS_ENDPOINT (null without break_glass_group)."
  value       = var.break_glass_group == "" ? null : google_cloudfunctions2_function.endpoint["break-glass"].service_config[0].uri
}

output "commands_topic" {
  description = "Name of the commands topic, for failoverctl --via topic (members of direct_command_publishers only; recorded unverified)."
  value       = google_pubsub_topic.commands.name
}

output "audit_table" {
  description = "The audit records, one row per record_id (project.dataset.view): what the README's queries read."
  value       = "${var.project}.${google_bigquery_dataset.audit.dataset_id}.${google_bigquery_table.audit_records_unique.table_id}"
}

output "audit_raw_table" {
  description = "The table the functions append to, at least once per record (project.dataset.table); also for bq load of NDJSON files."
  value       = "${var.project}.${google_bigquery_dataset.audit.dataset_id}.${google_bigquery_table.audit_records.table_id}"
}

output "audit_dataset" {
  description = "The audit dataset."
  value       = google_bigquery_dataset.audit.dataset_id
}

output "functions" {
  description = "Function names by role."
  value       = merge({ for k, f in google_cloudfunctions2_function.fn : k => f.name }, { for k, f in google_cloudfunctions2_function.endpoint : "${k}-endpoint" => f.name })
}

output "load_balancer" {
  description = "The resource the controller steers."
  value       = "${var.topology.project}/${var.topology.resource} (${var.topology.mode})"
}

output "uptime_checks" {
  description = "Uptime check id per region."
  value       = { for r, c in google_monitoring_uptime_check_config.region : r => c.uptime_check_id }
}

output "function_env" {
  description = "The environment the functions run with (for failoverctl status/plan with FAILOVER_ADAPTERS=google)."
  value       = local.function_env
}

output "subscriptions" {
  description = "The push subscription of each event function (with its dead-letter policy), and the dead-letter subscription to pull failed events from."
  value = merge(
    { for k, s in google_pubsub_subscription.push : k => s.name },
    { dead_letter = google_pubsub_subscription.dead_letter.name },
  )
}
