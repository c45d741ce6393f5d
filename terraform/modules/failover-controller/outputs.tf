output "topics" {
  description = "Topic ids: alerts, commands (operators publish here), ticks, events (change notifications out), dead-letter, cloud-builds."
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
  description = "The audit table for NDJSON loads (project.dataset.table)."
  value       = "${var.project}.${google_bigquery_dataset.audit.dataset_id}.${google_bigquery_table.audit_records.table_id}"
}

output "audit_dataset" {
  description = "The dataset that also receives the log sink's partitioned tables."
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

output "dead_letter_setup" {
  description = "Commands that attach the dead-letter topic to the subscriptions Eventarc created for the functions (Terraform cannot reach them) and give Pub/Sub's service agent the roles dead-lettering needs: publisher on the dead-letter topic (granted here) and subscriber on each source subscription."
  value = join("\n", [
    "for s in $(gcloud pubsub subscriptions list --project ${var.project} --format='value(name)' --filter='name~eventarc-${var.region}-${var.name_prefix}-'); do",
    "  gcloud pubsub subscriptions update \"$s\" --dead-letter-topic=${google_pubsub_topic.dead_letter.id} --max-delivery-attempts=10",
    "  gcloud pubsub subscriptions add-iam-policy-binding \"$s\" --member=serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com --role=roles/pubsub.subscriber",
    "done",
  ])
}
