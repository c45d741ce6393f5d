output "topics" {
  description = "Topic ids: alerts, commands (operators publish here), ticks, events (change notifications out), dead-letter, cloud-builds."
  value = {
    alerts       = google_pubsub_topic.alerts.id
    commands     = google_pubsub_topic.commands.id
    ticks        = google_pubsub_topic.ticks.id
    events       = google_pubsub_topic.events.id
    dead_letter  = google_pubsub_topic.dead_letter.id
    cloud_builds = local.cloud_builds_topic
  }
}

output "commands_topic" {
  description = "Name of the commands topic, for failoverctl --topic."
  value       = google_pubsub_topic.commands.name
}

output "audit_table" {
  description = "The audit table for NDJSON loads (project.dataset.table)."
  value       = "${var.project}.${google_bigquery_dataset.audit.dataset_id}.${google_bigquery_table.audit_records.table_id}"
}

output "audit_dataset" {
  description = "The dataset that also receives the log sink's partitioned tables."
  value       = google_bigquery_dataset.audit.dataset_id
}

output "functions" {
  description = "Function names by role."
  value       = { for k, f in google_cloudfunctions2_function.fn : k => f.name }
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
