variable "project" {
  description = "Project that holds the service and its load balancer."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a project id: 6 to 30 lowercase letters, digits and hyphens."
  }
}

variable "name" {
  description = "Base name for the service and every load-balancer object (e.g. app)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$", var.name))
    error_message = "name must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "image" {
  description = "Container image deployed to Cloud Run in every region."
  type        = string
}

variable "regions" {
  description = "Regions and their normal share of traffic (base_weight, 1..1000, relative) and declared capacity in requests per second."
  type = map(object({
    base_weight  = number
    capacity_rps = number
  }))
  validation {
    condition     = length(var.regions) >= 2
    error_message = "failover needs at least two regions."
  }
  validation {
    condition     = alltrue([for r, v in var.regions : can(regex("^[a-z]+(-[a-z]+)+[0-9]{1,2}$", r))])
    error_message = "region keys must be region names such as us-central1."
  }
  validation {
    condition     = alltrue([for r, v in var.regions : v.base_weight >= 1 && v.base_weight <= 1000 && v.capacity_rps > 0])
    error_message = "base_weight must be in 1..1000 and capacity_rps positive."
  }
}

variable "domains" {
  description = "Domains for the Google-managed certificate; point their DNS at the ip_address output."
  type        = list(string)
  validation {
    condition     = length(var.domains) >= 1
    error_message = "give at least one domain for the managed certificate."
  }
}

variable "min_instances" {
  description = "Minimum Cloud Run instances per region (1 or more keeps a region warm enough to take failover traffic)."
  type        = number
  default     = 1
  validation {
    condition     = var.min_instances >= 0 && var.min_instances <= 100
    error_message = "min_instances must be in 0..100."
  }
}

variable "max_instances" {
  description = "Maximum Cloud Run instances per region."
  type        = number
  default     = 20
  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 1000
    error_message = "max_instances must be in 1..1000."
  }
}

variable "outlier_detection" {
  description = "Add outlier detection (consecutive 5xx ejection) to each region's backend service: a fast, leaky first line of defence under the controller."
  type        = bool
  default     = false
}

variable "public" {
  description = "Let allUsers invoke the Cloud Run services (through the load balancer); false keeps them private."
  type        = bool
  default     = true
}

variable "ingress" {
  description = "Cloud Run ingress. INGRESS_TRAFFIC_ALL lets the per-region uptime checks reach each region directly; with INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER a drained region can only be restored by hand."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"
  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}
