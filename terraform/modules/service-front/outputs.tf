output "url_map" {
  description = "Name of the URL map whose weights the controller steers."
  value       = google_compute_url_map.front.name
}

output "ip_address" {
  description = "The load balancer's address: point the domains' DNS at it."
  value       = google_compute_global_address.front.address
}

output "backend_services" {
  description = "Backend service self link per region."
  value       = { for r, bs in google_compute_backend_service.region : r => bs.self_link }
}

output "run_urls" {
  description = "Cloud Run URL per region (for uptime checks that reach a region directly)."
  value       = { for r, s in google_cloud_run_v2_service.app : r => s.uri }
}

output "service_name" {
  description = "The Cloud Run service name, the same in every region."
  value       = var.name
}

output "topology" {
  description = "The controller's topology for this front (mode URL_MAP_WEIGHTS), without expected_rps, which the controller module adds."
  value = {
    mode     = "URL_MAP_WEIGHTS"
    project  = var.project
    resource = google_compute_url_map.front.name
    regions = [for r, v in var.regions : {
      region       = r
      backend      = google_compute_backend_service.region[r].self_link
      base_weight  = v.base_weight
      capacity_rps = v.capacity_rps
    }]
  }
}
