# Who really sent a command. Pub/Sub tells a subscriber nothing about the publisher, and writes no
# Data Access audit logs for Publish ("does not currently write Data Access audit logs for message
# operations, such as Publish", Pub/Sub audit logging page), so a command published to a topic can
# only claim its sender. Operators therefore send commands to an HTTP endpoint instead: Cloud Run
# checks the caller's Google-signed ID token and roles/run.invoker before the code runs, and hands
# the token on with its signature removed; the endpoint reads the principal from it, checks the
# command with the commands function's parser, and publishes it to the verified-commands topic,
# which only the endpoints' account may publish to. The commands function then records the
# principal beside requested_by (trigger.principal, verified true).
#
# break_glass goes only through a second endpoint, invocable by a separate, smaller group; without
# break_glass_group there is no such endpoint and nobody can break glass.

locals {
  endpoints = merge(
    {
      command = {
        entry_point = "dev.failover.functions.CommandEndpointFunction"
        invokers    = concat([var.operators_group], var.command_endpoint_invokers)
      }
    },
    var.break_glass_group == "" ? {} : {
      break-glass = {
        entry_point = "dev.failover.functions.BreakGlassEndpointFunction"
        invokers    = [var.break_glass_group]
      }
    },
  )
  endpoint_invokers = merge([
    for k, e in local.endpoints : { for m in e.invokers : "${k} ${m}" => { endpoint = k, member = m } }
  ]...)
}

resource "google_pubsub_topic" "verified_commands" {
  project = var.project
  name    = "${var.name_prefix}-commands-verified"
}

# the endpoints run as an account that may do one thing: publish to the verified-commands topic
resource "google_service_account" "endpoint" {
  project      = var.project
  account_id   = "${var.name_prefix}-endpoint"
  display_name = "failover command endpoints"
}

# the only publisher of the verified-commands topic: a message there came through an endpoint, so
# its principal attribute was set by the endpoint's code, not by whoever published
resource "google_pubsub_topic_iam_member" "endpoint_publishes_verified" {
  project = var.project
  topic   = google_pubsub_topic.verified_commands.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.endpoint.email}"
}

resource "google_cloudfunctions2_function" "endpoint" {
  for_each = local.endpoints

  project     = var.project
  location    = var.region
  name        = "${var.name_prefix}-${each.key}-endpoint"
  description = "failover ${each.key} endpoint: operator commands over HTTP, with the caller Cloud Run authenticated."

  build_config {
    runtime           = "java17"
    entry_point       = each.value.entry_point
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = "512M"
    available_cpu                    = "1"
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = 2
    max_instance_request_concurrency = 1
    # reachable from operators' laptops and pipelines; Cloud Run's IAM check stands in front (no
    # allUsers, never invoker_iam_disabled: the endpoint trusts the principal Cloud Run verified)
    ingress_settings      = "ALLOW_ALL"
    service_account_email = google_service_account.endpoint.email
    environment_variables = merge(local.function_env, { JAVA_TOOL_OPTIONS = "-XX:TieredStopAtLevel=1" })
  }

  depends_on = [
    time_sleep.build_grants_settle,
    google_pubsub_topic_iam_member.endpoint_publishes_verified,
  ]
}

# who may call each endpoint: the operators group (and the pipelines named) for commands, the
# break-glass group alone for break-glass
resource "google_cloud_run_v2_service_iam_member" "endpoint_invokers" {
  for_each = local.endpoint_invokers

  project  = var.project
  location = var.region
  name     = google_cloudfunctions2_function.endpoint[each.value.endpoint].name
  role     = "roles/run.invoker"
  member   = each.value.member
}
