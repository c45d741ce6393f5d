# One service account per function. All five reconcile, so all five need the same narrow set; the
# split keeps each function's audit trail and quota attributable, and lets one be revoked alone.
resource "google_service_account" "fn" {
  for_each = local.functions

  project      = var.project
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "failover ${each.key} function"
}

# the identity the push subscriptions deliver as (an OIDC token for it on every push): it may
# invoke the event functions and holds nothing else
resource "google_service_account" "trigger" {
  project      = var.project
  account_id   = "${var.name_prefix}-trigger"
  display_name = "failover push subscriptions"
}

# Only what the controller does to the load balancer, and why each permission is there:
locals {
  lb_permissions = concat(
    contains(["URL_MAP_WEIGHTS", "URL_MAP_SUBSETS"], var.topology.mode) ? [
      "compute.urlMaps.get",         # read the weights and the fingerprint
      "compute.urlMaps.update",      # urlMaps.patch needs update
      "compute.backendServices.use", # a URL map write re-states the backend services it routes to
      ] : [
      "compute.backendServices.get",    # read backends and the fingerprint
      "compute.backendServices.update", # backendServices.patch needs update
    ],
    var.topology.mode == "BACKEND_MEMBERSHIP" ? [
      "compute.regionNetworkEndpointGroups.use", # re-adding a serverless NEG backend uses the NEG
    ] : [],
    [
      "compute.globalOperations.get", # await the operation a patch returns
    ],
  )
}

# A deleted custom role's id stays reserved (IAM: undeletable for 7 days, the id unusable for 37), so
# an apply after a destroy needs another id: set custom_role_suffix.
resource "google_project_iam_custom_role" "lb" {
  project     = var.project
  role_id     = replace("${var.name_prefix}LoadBalancerSteering${var.custom_role_suffix}", "-", "")
  title       = "failover: steer the load balancer"
  description = "Read and patch the URL map or backend service the failover controller steers, and await the operation."
  permissions = local.lb_permissions
  stage       = "GA"
}

resource "google_project_iam_member" "fn_lb" {
  for_each = local.functions

  project = var.project
  role    = google_project_iam_custom_role.lb.id
  member  = "serviceAccount:${google_service_account.fn[each.key].email}"
}

# Firestore read/write, limited by condition to the controller's own database
resource "google_project_iam_member" "fn_firestore" {
  for_each = local.functions

  project = var.project
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.fn[each.key].email}"

  # the database itself or a resource inside it: a bare prefix would also match databases whose
  # names begin with this one (failover-x); Firestore names resources projects/P/databases/D/...
  condition {
    title      = "failover database only"
    expression = "resource.name == \"projects/${var.project}/databases/${var.firestore_database}\" || resource.name.startsWith(\"projects/${var.project}/databases/${var.firestore_database}/\")"
  }
}

# reading time series for the health checks before a restore
resource "google_project_iam_member" "fn_monitoring" {
  for_each = local.functions

  project = var.project
  role    = "roles/monitoring.viewer"
  member  = "serviceAccount:${google_service_account.fn[each.key].email}"
}

# change notifications out
resource "google_pubsub_topic_iam_member" "fn_publishes_events" {
  for_each = local.functions

  project = var.project
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.fn[each.key].email}"
}
