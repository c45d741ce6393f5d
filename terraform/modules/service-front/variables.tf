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
  validation {
    # an image reference with a tag or a digest; a bare name would deploy whatever :latest is then
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[^ ]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$", var.image))
    error_message = "image must be a full image reference with a tag or digest, e.g. us-docker.pkg.dev/my-project/app/app:1.0.0."
  }
}

variable "mode" {
  description = "How the controller steers traffic: URL_MAP_SUBSETS (default: users stay on their nearest region; drains and ramps move only the affected region's users), URL_MAP_WEIGHTS (explicit ratios by base_weight, regardless of where users are) or BACKEND_MEMBERSHIP (nearest region, drain by removing a region; no ramp). See the README's \"Which mode\"."
  type        = string
  default     = "URL_MAP_SUBSETS"
  validation {
    condition     = contains(["URL_MAP_SUBSETS", "URL_MAP_WEIGHTS", "BACKEND_MEMBERSHIP"], var.mode)
    error_message = "mode must be URL_MAP_SUBSETS, URL_MAP_WEIGHTS or BACKEND_MEMBERSHIP."
  }
}

variable "max_regions_out" {
  description = "URL_MAP_SUBSETS: the most regions that can be out at once. It decides which subset backend services exist (1: all and all-but-X per region; 2 adds all-but-X-Y per pair, ...); a plan that needs a subset not created is held by the controller (rule subset_missing). Keep it at or above what the policy's max_drained_fraction allows."
  type        = number
  default     = 1
  validation {
    condition     = var.max_regions_out >= 1 && var.max_regions_out < length(var.regions) && floor(var.max_regions_out) == var.max_regions_out
    error_message = "max_regions_out must be a whole number from 1 to one less than the number of regions."
  }
}

variable "regions" {
  description = "Regions and, for each: capacity_rps (the most requests per second it can take), base_weight (URL_MAP_WEIGHTS: its normal share, 1..1000, relative; default 100), users_rps (URL_MAP_SUBSETS: the peak of the users nearest it) and spill_to (URL_MAP_SUBSETS: the other regions, nearest first, where its users go when it is drained)."
  type = map(object({
    capacity_rps = number
    base_weight  = optional(number, 100)
    users_rps    = optional(number)
    spill_to     = optional(list(string))
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
  validation {
    condition     = alltrue([for r, v in var.regions : v.users_rps == null || coalesce(v.users_rps, 0) >= 0])
    error_message = "users_rps must not be negative."
  }
  validation {
    condition = alltrue([for r, v in var.regions : alltrue([
      for s in coalesce(v.spill_to, []) : contains(keys(var.regions), s) && s != r
    ]) && length(distinct(coalesce(v.spill_to, []))) == length(coalesce(v.spill_to, []))])
    error_message = "spill_to must name other regions of this front, each once."
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
  description = "Outlier detection (5 consecutive 5xx eject an endpoint for 60 s) on every backend service that holds several regions: in URL_MAP_SUBSETS (the all subset and the others) and BACKEND_MEMBERSHIP a failing region's users go to their next-nearest region within seconds, a first line under the controller, which then drains the region for as long as its incident lasts. Refused with URL_MAP_WEIGHTS, where each backend service holds one region and an ejection has nowhere to send the traffic."
  type        = bool
  default     = false
  validation {
    condition     = !var.outlier_detection || var.mode != "URL_MAP_WEIGHTS"
    error_message = "outlier_detection needs backend services that hold several regions: URL_MAP_SUBSETS or BACKEND_MEMBERSHIP, not URL_MAP_WEIGHTS."
  }
}

variable "public" {
  description = "Anyone may invoke the Cloud Run services (through the load balancer, and directly for the uptime checks): Cloud Run's invoker IAM check is turned off (invoker_iam_disabled) rather than granting allUsers, which domain-restricted sharing refuses. false keeps them private."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the Cloud Run services from terraform destroy (the provider's default is true; false lets the front be destroyed and created again)."
  type        = bool
  default     = false
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
