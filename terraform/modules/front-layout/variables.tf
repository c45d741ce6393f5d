variable "project" {
  description = "Project that holds the load balancer."
  type        = string
}

variable "name" {
  description = "Base name of the service and its load-balancer objects."
  type        = string
}

variable "mode" {
  description = "URL_MAP_SUBSETS, URL_MAP_WEIGHTS or BACKEND_MEMBERSHIP (see the service-front module)."
  type        = string
  validation {
    condition     = contains(["URL_MAP_SUBSETS", "URL_MAP_WEIGHTS", "BACKEND_MEMBERSHIP"], var.mode)
    error_message = "mode must be URL_MAP_SUBSETS, URL_MAP_WEIGHTS or BACKEND_MEMBERSHIP."
  }
}

variable "regions" {
  description = "Regions as the service-front module takes them."
  type = map(object({
    capacity_rps = number
    base_weight  = optional(number, 100)
    users_rps    = optional(number)
    spill_to     = optional(list(string))
  }))
}

variable "max_regions_out" {
  description = "URL_MAP_SUBSETS: the most regions out at once that the subsets can express."
  type        = number
  default     = 1
  validation {
    condition     = var.max_regions_out >= 1 && var.max_regions_out < length(var.regions) && floor(var.max_regions_out) == var.max_regions_out
    error_message = "max_regions_out must be a whole number from 1 to one less than the number of regions."
  }
}
