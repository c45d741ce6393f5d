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

# Where iam.automaticIamGrantsForDefaultServiceAccounts is enforced (the default for organisations
# created since May 2024) the default build account has no roles, and since July 2024 Cloud Build
# uses the Compute Engine default account in new projects: the builds fail. The functions are built
# by an account of their own, with the roles "Custom service account for Cloud Build" lists for
# function builds: write build logs, push the image to a repository, read the source.
resource "google_service_account" "build" {
  project      = var.project
  account_id   = "${var.name_prefix}-build"
  display_name = "failover function builds"
}

# the functions' images, in a repository of our own, so the build account needs no project-wide
# Artifact Registry role (the default gcf-artifacts repository is created on first use)
resource "google_artifact_registry_repository" "functions" {
  project       = var.project
  location      = var.region
  repository_id = "${var.name_prefix}-functions"
  format        = "DOCKER"
  description   = "Images of the failover controller's functions."
}

resource "google_artifact_registry_repository_iam_member" "build_pushes" {
  project    = var.project
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
}

resource "google_project_iam_member" "build_logs" {
  project = var.project
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

# Cloud Functions copies the source object into its own bucket, gcf-v2-sources-NUMBER-REGION, and
# the build reads it from there: without this the build fails with "Access to bucket
# gcf-v2-sources-... denied. You must grant Storage Object Viewer permission to <build account>"
# (provider issue 20571). That bucket may not exist before the first function is created, so the
# grant is on the project, limited by condition to that bucket and its objects (Storage names them
# projects/_/buckets/B and projects/_/buckets/B/objects/O).
resource "google_project_iam_member" "build_reads_function_sources" {
  project = var.project
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.build.email}"

  condition {
    title      = "Cloud Functions source bucket only"
    expression = "resource.name == \"projects/_/buckets/${local.function_sources_bucket}\" || resource.name.startsWith(\"projects/_/buckets/${local.function_sources_bucket}/\")"
  }
}

# IAM grants take effect within about a minute, and a build started before its account's grants
# settled fails half-way through the apply: the functions wait. The provider's own example of a
# function with a custom build account ("basic builder") waits 60 s the same way.
resource "time_sleep" "build_grants_settle" {
  create_duration = "60s"

  triggers = {
    account = google_service_account.build.email
  }

  depends_on = [
    google_artifact_registry_repository_iam_member.build_pushes,
    google_project_iam_member.build_logs,
    google_storage_bucket_iam_member.build_reads_source,
    google_project_iam_member.build_reads_function_sources,
  ]
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  project  = var.project
  location = var.region
  name     = "${var.name_prefix}-${each.key}"

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

  # no Eventarc trigger: each function is fed by a push subscription of subscriptions.tf

  depends_on = [
    time_sleep.build_grants_settle,
    google_project_iam_member.fn_lb,
    google_project_iam_member.fn_firestore,
    google_project_iam_member.fn_monitoring,
  ]
}

# the push subscriptions' identity may invoke each function's service (and nobody else may)
resource "google_cloud_run_v2_service_iam_member" "trigger_invokes" {
  for_each = local.functions

  project  = var.project
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}
