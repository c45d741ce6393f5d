variable "project" {
  description = "An existing project with billing enabled."
  type        = string
}

variable "image" {
  description = "Container image of the service, deployed to every region."
  type        = string
}

variable "domains" {
  description = "Domains for the managed certificate."
  type        = list(string)
}

variable "operators_group" {
  description = "IAM member allowed to publish failover commands, e.g. group:sre@example.com."
  type        = string
}

variable "controller_region" {
  description = "Region of the controller's functions and tick job."
  type        = string
  default     = "us-east1"
}

variable "expected_rps" {
  description = "Peak requests per second across the regions."
  type        = number
  default     = 1500
}

variable "function_zip" {
  description = "Path of the functions' source archive written by functions/package.sh."
  type        = string
  default     = "../../../functions/target/function-source.zip"
}
