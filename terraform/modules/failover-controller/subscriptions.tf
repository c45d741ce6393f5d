# How events reach the functions: one Pub/Sub push subscription per event function, owned here.
#
# Not Eventarc triggers: Terraform cannot reach the subscription an Eventarc Pub/Sub trigger makes
# (google_cloudfunctions2_function.event_trigger has no dead-letter, backoff or retention argument),
# so its dead-letter topic had to be set by hand after every apply, and until then a failing event
# was retried for 24 hours and dropped. Google's Pub/Sub trigger page calls a subscription you own
# the "Direct Pub/Sub trigger (Recommended)": "You manage the subscription directly, and your
# service or function receives the standard Pub/Sub push request. Use this if you need simpler
# configuration and lower latency" (cloud.google.com/run/docs/triggering/pubsub-triggers).
#
# Each push carries an OIDC token for the trigger account, which alone may invoke the functions
# (functions.tf); the functions answer 204 to what they handled or refused and 500 to a transient
# failure, which Pub/Sub redelivers with the retry policy's backoff until max_delivery_attempts,
# then forwards to the dead-letter topic (its subscription and alert are in pubsub.tf and
# observability.tf).

locals {
  # the tick comes every minute: a failing tick needs no long retry, the next one reconciles anyway
  delivery = {
    for k, _ in local.functions : k => k == "tick" ? {
      attempts  = 5
      retention = "600s"
      } : {
      attempts  = var.max_delivery_attempts
      retention = "604800s"
    }
  }
}

resource "google_pubsub_subscription" "push" {
  for_each = local.functions

  project = var.project
  name    = "${var.name_prefix}-${each.key}-push"
  topic   = each.value.topic

  # the push request's timeout: above the function's own (120 s), so that Pub/Sub never gives up
  # on a delivery the function is still handling and sends it again alongside
  ack_deadline_seconds       = 180
  message_retention_duration = local.delivery[each.key].retention

  push_config {
    push_endpoint = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.trigger.email
      audience              = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = local.delivery[each.key].attempts
  }

  # a subscription without activity expires after 31 days by default: the commands and builds
  # subscriptions may see nothing for longer, and would silently be gone
  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.trigger_invokes,
    google_service_account_iam_member.pubsub_agent_mints_trigger_tokens,
  ]
}

# Dead-lettering forwards as Pub/Sub's service agent, which needs publisher on the dead-letter topic
# (pubsub.tf) and subscriber on each source subscription (Pub/Sub "Dead-letter topics": "grant
# permissions"), or the messages are retried for ever instead
resource "google_pubsub_subscription_iam_member" "pubsub_agent_acks_dead_letters" {
  for_each = local.functions

  project      = var.project
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  depends_on = [time_sleep.agents_settle]
}
