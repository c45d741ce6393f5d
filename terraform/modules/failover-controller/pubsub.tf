resource "google_pubsub_topic" "alerts" {
  project = var.project
  name    = "${var.name_prefix}-alerts"
}

resource "google_pubsub_topic" "commands" {
  project = var.project
  name    = "${var.name_prefix}-commands"
}

resource "google_pubsub_topic" "ticks" {
  project = var.project
  name    = "${var.name_prefix}-ticks"
}

# change notifications out: chat and paging integrations subscribe here
resource "google_pubsub_topic" "events" {
  project = var.project
  name    = "${var.name_prefix}-events"
}

resource "google_pubsub_topic" "dead_letter" {
  project = var.project
  name    = "${var.name_prefix}-dead-letter"
}

# messages published to a topic without subscriptions are lost: keep what is dead-lettered
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project
  name                       = "${var.name_prefix}-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60
}

# Cloud Build publishes its notifications to a topic named cloud-builds when one exists, and a new
# project has none ("create a topic named cloud-builds", Cloud Build's "Subscribe to build
# notifications"). Created here unless the user says the project has it (create_cloud_builds_topic
# = false: an apply would fail with 409, and a destroy would delete a topic others read).
resource "google_pubsub_topic" "cloud_builds" {
  count   = var.create_cloud_builds_topic ? 1 : 0
  project = var.project
  name    = "cloud-builds"
}

# Cloud Monitoring's notification agent publishes incidents to the alerts topic
resource "google_pubsub_topic_iam_member" "monitoring_publishes_alerts" {
  project = var.project
  topic   = google_pubsub_topic.alerts.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"

  # the agent is created with the first Pub/Sub notification channel, or by agents.tf
  depends_on = [google_monitoring_notification_channel.alerts, time_sleep.agents_settle]
}

# Publishing straight to the commands topic is for the members direct_command_publishers names
# (default: nobody). Their commands are recorded as unverified (requested_by is only a claim) and
# cannot break glass; operators and pipelines send through the command endpoint (endpoints.tf).
resource "google_pubsub_topic_iam_member" "direct_command_publishers" {
  for_each = toset(var.direct_command_publishers)

  project = var.project
  topic   = google_pubsub_topic.commands.name
  role    = "roles/pubsub.publisher"
  member  = each.value
}

# Pub/Sub's service agent (service-N@gcp-sa-pubsub, "Pub/Sub service agent" in the IAM docs) forwards
# undeliverable messages to the dead-letter topic
resource "google_pubsub_topic_iam_member" "pubsub_agent_dead_letters" {
  project = var.project
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  depends_on = [time_sleep.agents_settle]
}

# The push subscriptions send an OIDC token for the trigger account, minted by Pub/Sub's service
# agent. Agents created on or before 8 April 2021 lack the role that allows this (Pub/Sub "Push
# subscriptions", authentication): granted on the trigger account alone, not the project.
resource "google_service_account_iam_member" "pubsub_agent_mints_trigger_tokens" {
  service_account_id = google_service_account.trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  depends_on = [time_sleep.agents_settle]
}

# the tick: Cloud Scheduler's agent publishes to the ticks topic
resource "google_pubsub_topic_iam_member" "scheduler_publishes_ticks" {
  project = var.project
  topic   = google_pubsub_topic.ticks.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-cloudscheduler.iam.gserviceaccount.com"

  depends_on = [time_sleep.agents_settle]
}

resource "google_cloud_scheduler_job" "tick" {
  project   = var.project
  region    = var.region
  name      = "${var.name_prefix}-tick"
  schedule  = "* * * * *"
  time_zone = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.ticks.id
    data       = base64encode("{}")
  }
}
