output "json" {
  description = "FAILOVER_TOPOLOGY."
  value       = jsonencode(local.topology)
}
