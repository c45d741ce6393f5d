# Google's service agents that this module grants roles to. On a fresh project an agent may not
# exist yet when its first grant is made: IAM then refuses the binding, or the platform answers
# "Permission denied while using the Eventarc Service Agent... it may take a few minutes"
# (terraform-docs-samples issue 486, provider issue 25294). The agents are created here first, and
# the grants to them wait until they have settled.
#
#   pubsub.googleapis.com        service-N@gcp-sa-pubsub: mints the push subscriptions' OIDC tokens,
#                                forwards dead letters (publisher on the topic, subscriber on the
#                                subscriptions)
#   cloudscheduler.googleapis.com service-N@gcp-sa-cloudscheduler: publishes the tick
#   monitoring.googleapis.com    service-N@gcp-sa-monitoring-notification: publishes incidents to
#                                the alerts topic (created with the first Pub/Sub notification
#                                channel too, which its grant also waits for; that this identity is
#                                the one monitoring.googleapis.com creates follows
#                                cloud-foundation-fabric's service-agents list: unverified in
#                                Google's docs)
#
# google_project_service_identity is in the google-beta provider only (6.x and 7.x). Some services
# return no email from it (provider issue 18649), so the grants spell the agents' addresses out and
# only depend on their creation.
resource "google_project_service_identity" "agent" {
  provider = google-beta
  for_each = toset(["pubsub.googleapis.com", "cloudscheduler.googleapis.com", "monitoring.googleapis.com"])

  project = var.project
  service = each.value
}

resource "time_sleep" "agents_settle" {
  create_duration = "30s"

  depends_on = [google_project_service_identity.agent]
}
