output "ip_address" {
  description = "Point the domains' DNS here."
  value       = module.front.ip_address
}

output "url_map" {
  description = "The URL map the controller steers."
  value       = module.front.url_map
}

output "command_endpoint_url" {
  description = "export FAILOVER_COMMAND_ENDPOINT=$(terraform output -raw command_endpoint_url)"
  value       = module.controller.command_endpoint_url
}

output "break_glass_endpoint_url" {
  description = "export FAILOVER_BREAK_GLASS_ENDPOINT=$(terraform output -raw break_glass_endpoint_url)"
  value       = module.controller.break_glass_endpoint_url
}

output "commands_topic" {
  description = "For failoverctl --via topic --topic (direct_command_publishers only; recorded unverified)."
  value       = module.controller.commands_topic
}

output "topics" {
  description = "All controller topics."
  value       = module.controller.topics
}

output "audit_table" {
  description = "The audit records, one row per record_id: query this view (project.dataset.view)."
  value       = module.controller.audit_table
}

output "functions" {
  description = "The controller's functions."
  value       = module.controller.functions
}
