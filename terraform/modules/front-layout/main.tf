# Which backend services and serverless NEGs a front needs in each mode, their names, the URL map's
# starting weights, and the topology the controller reads. Pure: no provider, no resource.
#
# URL_MAP_SUBSETS: a backend service per subset of the regions that leaves out at most
# max_regions_out of them ("all", "all-but-X", "all-but-X-Y", ...), each holding a serverless NEG
# per region it holds; inside a backend service the load balancer sends each request to the
# closest region, and the URL map weighs across the subsets (all = 1000 is plain nearest-region
# routing). URL_MAP_WEIGHTS: a backend service and a NEG per region, weighed by base_weight.
# BACKEND_MEMBERSHIP: one backend service holding every region's NEG.

locals {
  sorted = sort(keys(var.regions))
  n      = length(local.sorted)

  # every set of regions left out, as the bits of 0 .. 2^n - 1
  outs = [
    for i in range(pow(2, local.n)) : [for j, r in local.sorted : r if floor(i / pow(2, j)) % 2 == 1]
  ]
  subset_outs = {
    for out in local.outs :
    (length(out) == 0 ? "all" : "all-but-${join("-", out)}") => out
    if length(out) <= var.max_regions_out && length(out) < local.n
  }

  # backend services: key => the regions it holds
  backend_regions = (
    var.mode == "URL_MAP_SUBSETS" ? { for k, out in local.subset_outs : k => setsubtract(local.sorted, out) } :
    var.mode == "URL_MAP_WEIGHTS" ? { for r in local.sorted : r => toset([r]) } :
    { all = toset(local.sorted) }
  )

  # resource names are at most 63 characters: a long subset name becomes a digest of what it leaves out
  backend_names = {
    for k, held in local.backend_regions : k => (
      var.mode == "BACKEND_MEMBERSHIP" ? var.name :
      length("${var.name}-${k}") <= 63 ? "${var.name}-${k}" :
      "${var.name}-all-but-${substr(sha256(join(",", local.subset_outs[k])), 0, 10)}"
    )
  }

  # serverless NEGs: one per (backend service, region it holds). A NEG is regional, so its name only
  # has to be unique in its region: the backend service's name, or name-region when there is one
  # backend service (membership). Keyed by the region alone where a region has one NEG, so that the
  # weights mode keeps the addresses it always had.
  negs = merge([
    for k, held in local.backend_regions : {
      for r in held : (var.mode == "URL_MAP_SUBSETS" ? "${k}/${r}" : r) => {
        backend = k
        region  = r
        name    = var.mode == "URL_MAP_SUBSETS" ? local.backend_names[k] : "${var.name}-${r}"
      }
    }
  ]...)

  # the URL map's weights when nothing is out (the controller owns them afterwards)
  weights = (
    var.mode == "URL_MAP_SUBSETS" ? { for k, out in local.subset_outs : k => length(out) == 0 ? 1000 : 0 } :
    var.mode == "URL_MAP_WEIGHTS" ? { for r, v in var.regions : r => v.base_weight } :
    {}
  )

  api         = "https://www.googleapis.com/compute/v1/projects/${var.project}"
  backend_url = { for k, n in local.backend_names : k => "${local.api}/global/backendServices/${n}" }
  neg_url     = { for k, g in local.negs : k => "${local.api}/regions/${g.region}/networkEndpointGroups/${g.name}" }

  # the NEG a region's entry names in the topology: the one in "all" (subsets), its own (membership)
  region_neg = { for r in local.sorted : r => var.mode == "URL_MAP_SUBSETS" ? local.neg_url["all/${r}"] : local.neg_url[r] }

  topology = {
    mode     = var.mode
    project  = var.project
    resource = var.mode == "BACKEND_MEMBERSHIP" ? local.backend_names["all"] : var.name
    regions = [for r in local.sorted : {
      region       = r
      backend      = var.mode == "URL_MAP_WEIGHTS" ? local.backend_url[r] : local.region_neg[r]
      base_weight  = var.regions[r].base_weight
      capacity_rps = var.regions[r].capacity_rps
      users_rps    = var.regions[r].users_rps
      spill_to     = var.regions[r].spill_to
    }]
    subsets = var.mode != "URL_MAP_SUBSETS" ? [] : [for k, out in local.subset_outs : {
      name    = k
      backend = local.backend_url[k]
      regions = sort(setsubtract(local.sorted, out))
    }]
  }
}
