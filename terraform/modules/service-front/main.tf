# A multi-region service front that can fail over: one Cloud Run service, one serverless NEG and one
# backend service per region, and a URL map whose default route splits traffic by weight across the
# regions' backend services (EXTERNAL_MANAGED; classic load balancers cannot split by weight). The
# failover controller moves those weights; `ignore_changes` keeps a later apply from undoing it.
# Serverless NEGs take no health check and no balancing mode, and the load balancer keeps sending
# traffic to a region whose service answers 5xx: that is why the controller exists.

resource "google_cloud_run_v2_service" "app" {
  for_each = var.regions

  project  = var.project
  name     = var.name
  location = each.key
  # direct traffic stays allowed by default: the controller's uptime checks reach each region
  # directly, which is how a drained region (no load-balancer traffic) proves it is healthy again
  ingress = var.ingress

  template {
    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }
    containers {
      image = var.image
    }
  }
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  for_each = var.public ? var.regions : {}

  project  = var.project
  location = each.key
  name     = google_cloud_run_v2_service.app[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_compute_region_network_endpoint_group" "neg" {
  for_each = var.regions

  project               = var.project
  name                  = "${var.name}-${each.key}"
  region                = each.key
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.app[each.key].name
  }
}

resource "google_compute_backend_service" "region" {
  for_each = var.regions

  project               = var.project
  name                  = "${var.name}-${each.key}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  backend {
    group = google_compute_region_network_endpoint_group.neg[each.key].id
  }

  dynamic "outlier_detection" {
    for_each = var.outlier_detection ? [1] : []
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

resource "google_compute_url_map" "front" {
  project = var.project
  name    = var.name

  default_route_action {
    dynamic "weighted_backend_services" {
      for_each = var.regions
      content {
        backend_service = google_compute_backend_service.region[weighted_backend_services.key].id
        weight          = weighted_backend_services.value.base_weight
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
