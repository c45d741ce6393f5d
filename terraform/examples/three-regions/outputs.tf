output "ip_address" {
  description = "Point the domains' DNS here."
  value       = module.front.ip_address
}

output "url_map" {
  description = "The URL map the controller steers."
  value       = module.front.url_map
}

output "commands_topic" {
  description = "For failoverctl --topic."
  value       = module.controller.commands_topic
}

output "topics" {
  description = "All controller topics."
  value       = module.controller.topics
}

output "audit_table" {
  description = "The audit table for NDJSON loads."
  value       = module.controller.audit_table
}

output "functions" {
  description = "The controller's functions."
  value       = module.controller.functions
}
