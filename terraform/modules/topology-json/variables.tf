variable "topology" {
  description = "The load balancer the controller steers: mode, project, resource, regions (region, backend, capacity_rps; base_weight, users_rps and spill_to optional) and, for URL_MAP_SUBSETS, subsets (name, backend, regions). See the README's topology table."
  type = object({
    mode     = string
    project  = string
    resource = string
    regions = list(object({
      region       = string
      backend      = string
      capacity_rps = number
      base_weight  = optional(number)
      base_scaler  = optional(number)
      users_rps    = optional(number)
      spill_to     = optional(list(string))
    }))
    subsets = optional(list(object({
      name    = string
      backend = string
      regions = list(string)
    })), [])
  })
  validation {
    condition     = contains(["URL_MAP_SUBSETS", "URL_MAP_WEIGHTS", "BACKEND_MEMBERSHIP", "CAPACITY_SCALER"], var.topology.mode)
    error_message = "topology.mode must be URL_MAP_SUBSETS, URL_MAP_WEIGHTS, BACKEND_MEMBERSHIP or CAPACITY_SCALER."
  }
  validation {
    condition     = length(var.topology.regions) >= 2
    error_message = "topology needs at least two regions."
  }
  validation {
    condition     = (var.topology.mode == "URL_MAP_SUBSETS") == (length(coalesce(var.topology.subsets, [])) > 0)
    error_message = "topology.subsets is needed in mode URL_MAP_SUBSETS (one of them holding every region) and only there."
  }
}

variable "expected_rps" {
  description = "Peak requests per second the regions share."
  type        = number
}
