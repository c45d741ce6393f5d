# FAILOVER_TOPOLOGY, the controller's topology as its functions read it (dev.failover.gcp.json.ConfigJson):
# the topology with expected_rps added, optional fields left unset left out (the controller applies its
# defaults), and subsets only in the mode that has them. Pure, so that `terraform test` checks it.

locals {
  topology = merge(
    {
      mode         = var.topology.mode
      project      = var.topology.project
      resource     = var.topology.resource
      expected_rps = var.expected_rps
      regions      = [for r in var.topology.regions : { for k, v in r : k => v if v != null }]
    },
    { for k, v in { subsets = var.topology.subsets } : k => v if length(coalesce(v, [])) > 0 },
  )
}
