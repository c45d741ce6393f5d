output "backend_services" {
  description = "Backend services to create: key => name and the regions whose NEGs it holds."
  value       = { for k, held in local.backend_regions : k => { name = local.backend_names[k], regions = sort(held) } }
}

output "negs" {
  description = "Serverless NEGs to create: key => name, region and the key of the backend service that holds it."
  value       = local.negs
}

output "weights" {
  description = "The URL map's weight per backend service key when no region is out (empty for BACKEND_MEMBERSHIP)."
  value       = local.weights
}

output "topology" {
  description = "The controller's topology (FAILOVER_TOPOLOGY without expected_rps); unset optional fields are null, subsets empty outside URL_MAP_SUBSETS."
  value       = local.topology
}
