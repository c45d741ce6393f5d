output "url_map" {
  description = "Name of the URL map whose weights the controller steers."
  value       = google_compute_url_map.front.name
}

output "ip_address" {
  description = "The load balancer's address: point the domains' DNS at it."
  value       = google_compute_global_address.front.address
}

output "backend_services" {
  description = "Backend service self link per key: subset name (URL_MAP_SUBSETS), region (URL_MAP_WEIGHTS) or all (BACKEND_MEMBERSHIP)."
  value = merge(
    { for k, bs in google_compute_backend_service.front : k => bs.self_link },
    { for k, bs in google_compute_backend_service.members : k => bs.self_link },
  )
}

output "mode" {
  description = "The mode this front is laid out for."
  value       = var.mode
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
  description = "The controller's topology for this front (the failover-controller module's topology input); expected_rps is added by that module."
  value       = module.layout.topology
  # the names are known before the objects exist: let the controller start once they do
  depends_on = [google_compute_url_map.front]
}

output "app_service_account" {
  description = "The service's runtime identity, created with no roles: grant it what the app needs."
  value       = google_service_account.app.email
}
