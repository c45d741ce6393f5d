# A multi-region service front that can fail over: one Cloud Run service per region behind a global
# external Application Load Balancer (EXTERNAL_MANAGED; classic load balancers cannot split by weight),
# laid out for the controller's mode (see ../front-layout for the names and the topology):
#
# - URL_MAP_SUBSETS (default): a backend service per subset of the regions ("all", "all-but-X", ...,
#   up to max_regions_out regions left out), each holding a serverless NEG per region it holds. Inside a
#   backend service the load balancer sends each request to the closest region, so with the URL map's
#   weight all on "all" users are served by their nearest region; the controller moves weight to
#   "all-but-X" to drain X for X's own users only, and splits it to ramp X back.
#   One NEG per (subset, region), not one NEG per region shared by the subsets: whether one serverless
#   NEG may back several backend services at once is not documented (../shared/reference/gcp-lb-compute.md
#   §1.6 item 5 lists it as unverified), and separate NEGs work either way at no cost (NEGs are free;
#   mind the per-project NEG and backend-service quotas when max_regions_out > 1).
# - URL_MAP_WEIGHTS: a backend service and a NEG per region, split by base_weight regardless of where
#   users are (for explicit ratios such as 50/30/20).
# - BACKEND_MEMBERSHIP: one backend service holding every region's NEG; the controller removes a
#   drained region's NEG and adds it back (no ramp, no partial drain).
#
# The controller owns the weights (or the membership): `ignore_changes` keeps a later apply from undoing
# a drain. Serverless NEGs take no health check and no balancing mode, and the load balancer keeps
# sending traffic to a region whose service answers 5xx: that is why the controller exists.

module "layout" {
  source          = "../front-layout"
  project         = var.project
  name            = var.name
  mode            = var.mode
  regions         = var.regions
  max_regions_out = var.max_regions_out
}

# The app's own identity, with no roles: run as the Compute Engine default account (often Editor in
# older projects), a public app could publish failover commands or alerts, or rewrite the
# controller's memory. Grant it what the app itself needs, nothing of the controller's.
resource "google_service_account" "app" {
  project      = var.project
  account_id   = "${substr(var.name, 0, 22)}-runtime" # 6 to 30 characters for any valid name
  display_name = "${var.name}: the service's runtime identity"
}

resource "google_cloud_run_v2_service" "app" {
  for_each = var.regions

  project  = var.project
  name     = var.name
  location = each.key
  # direct traffic stays allowed by default: the controller's uptime checks reach each region
  # directly, which is how a drained region (no load-balancer traffic) proves it is healthy again
  ingress = var.ingress
  # public without an allUsers binding, which domain-restricted sharing
  # (constraints/iam.allowedPolicyMemberDomains) refuses: Cloud Run's invoker check is turned off
  invoker_iam_disabled = var.public
  # the provider protects services from destroy by default; the front is meant to be re-creatable
  deletion_protection = var.deletion_protection

  template {
    service_account = google_service_account.app.email
    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }
    containers {
      image = var.image
    }
  }
}

resource "google_compute_region_network_endpoint_group" "neg" {
  for_each = module.layout.negs

  project               = var.project
  name                  = each.value.name
  region                = each.value.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.app[each.value.region].name
  }
}

# the weighed backend services (URL_MAP_SUBSETS, URL_MAP_WEIGHTS): their members never change
resource "google_compute_backend_service" "front" {
  for_each = var.mode == "BACKEND_MEMBERSHIP" ? {} : module.layout.backend_services

  project               = var.project
  name                  = each.value.name
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  dynamic "backend" {
    for_each = { for k, g in module.layout.negs : k => g if g.backend == each.key }
    content {
      group = google_compute_region_network_endpoint_group.neg[backend.key].id
    }
  }

  dynamic "outlier_detection" {
    # only where an ejection can move traffic: a backend service holding more than one region
    for_each = var.outlier_detection && length(each.value.regions) > 1 ? [1] : []
    content {
      consecutive_errors           = 5
      enforcing_consecutive_errors = 100
      max_ejection_percent         = 100
      base_ejection_time {
        seconds = 60
      }
      interval {
        seconds = 10
      }
    }
  }
}

moved {
  from = google_compute_backend_service.region
  to   = google_compute_backend_service.front
}

# BACKEND_MEMBERSHIP: one backend service whose members the controller removes and adds back
resource "google_compute_backend_service" "members" {
  for_each = var.mode == "BACKEND_MEMBERSHIP" ? module.layout.backend_services : {}

  project               = var.project
  name                  = each.value.name
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  dynamic "backend" {
    for_each = module.layout.negs
    content {
      group = google_compute_region_network_endpoint_group.neg[backend.key].id
    }
  }

  dynamic "outlier_detection" {
    # only where an ejection can move traffic: a backend service holding more than one region
    for_each = var.outlier_detection && length(each.value.regions) > 1 ? [1] : []
    content {
      consecutive_errors           = 5
      enforcing_consecutive_errors = 100
      max_ejection_percent         = 100
      base_ejection_time {
        seconds = 60
      }
      interval {
        seconds = 10
      }
    }
  }

  lifecycle {
    # the failover controller owns the membership; an apply must not put a drained region back
    ignore_changes = [backend]
  }
}

resource "google_compute_url_map" "front" {
  project = var.project
  name    = var.name

  default_service = var.mode == "BACKEND_MEMBERSHIP" ? google_compute_backend_service.members["all"].id : null

  dynamic "default_route_action" {
    for_each = var.mode == "BACKEND_MEMBERSHIP" ? [] : [1]
    content {
      dynamic "weighted_backend_services" {
        for_each = module.layout.weights
        content {
          backend_service = google_compute_backend_service.front[weighted_backend_services.key].id
          weight          = weighted_backend_services.value
        }
      }
    }
  }

  lifecycle {
    # the failover controller owns the weights; an apply must not undo a drain
    ignore_changes = [default_route_action]
  }
}

resource "google_compute_managed_ssl_certificate" "front" {
  project = var.project
  name    = "${var.name}-cert"

  managed {
    domains = var.domains
  }
}

resource "google_compute_target_https_proxy" "front" {
  project          = var.project
  name             = "${var.name}-https"
  url_map          = google_compute_url_map.front.id
  ssl_certificates = [google_compute_managed_ssl_certificate.front.id]
}

resource "google_compute_global_address" "front" {
  project = var.project
  name    = "${var.name}-ip"
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project
  name                  = "${var.name}-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  target                = google_compute_target_https_proxy.front.id
  ip_address            = google_compute_global_address.front.id
  port_range            = "443"
}
