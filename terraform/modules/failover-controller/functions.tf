resource "google_storage_bucket" "source" {
  project                     = var.project
  name                        = "${var.project}-${var.name_prefix}-source"
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
}

resource "google_storage_bucket_object" "source" {
  # the content hash in the name makes a new jar a new object, so the functions are rebuilt
  name   = "function-source-${filemd5(var.function_zip)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.function_zip
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  project  = var.project
  location = var.region
  name     = "${var.name_prefix}-${each.key}"

  build_config {
    runtime     = "java17"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory = "512M"
    # a whole vCPU while handling: class loading and client set-up dominate a cold start
    # (BENCHMARKS.md); at the default fraction of a vCPU a cold start takes several times longer
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = each.key == "alerts" ? var.alerts_min_instances : 0
    max_instance_count               = 3
    max_instance_request_concurrency = 1
    service_account_email            = google_service_account.fn[each.key].email
    # C1 only: short invocations gain more from quick compilation than from C2 (cold start and
    # peak RSS measured in BENCHMARKS.md)
    environment_variables = merge(local.function_env, { JAVA_TOOL_OPTIONS = "-XX:TieredStopAtLevel=1" })
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = each.value.topic
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }

  depends_on = [
    google_project_iam_member.fn_lb,
    google_project_iam_member.fn_firestore,
    google_project_iam_member.fn_monitoring,
  ]
}

# the Eventarc trigger's identity may invoke each function's service
resource "google_cloud_run_v2_service_iam_member" "trigger_invokes" {
  for_each = local.functions

  project  = var.project
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}
