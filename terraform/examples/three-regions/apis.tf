# The APIs the front and the controller use. Left enabled on destroy: other things may use them.
resource "google_project_service" "api" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    # the controller appends its audit records through the Storage Write API
    "bigquerystorage.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    # project-level IAM and the project lookup of the provider go through Resource Manager; a new
    # project may not have it enabled
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "serviceusage.googleapis.com",
    "storage.googleapis.com",
  ])

  project            = var.project
  service            = each.value
  disable_on_destroy = false
}

# An API answers a few moments after it is reported enabled (the first calls of a fresh enablement
# can fail with "API has not been used in project ... or it is disabled"): the modules wait.
resource "time_sleep" "apis_settle" {
  create_duration = "60s"

  triggers = {
    apis = join(",", sort([for s in google_project_service.api : s.service]))
  }
}
