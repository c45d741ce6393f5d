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
  description = "IAM member allowed to send failover commands through the command endpoint, e.g. group:sre@example.com."
  type        = string
}

variable "command_endpoint_invokers" {
  description = "Service accounts of deploy pipelines that send drain/restore gates through the command endpoint, e.g. serviceAccount:deployer@my-project.iam.gserviceaccount.com."
  type        = list(string)
  default     = []
}

variable "break_glass_group" {
  description = "IAM member allowed to break glass through its own endpoint, e.g. group:sre-leads@example.com; empty for nobody."
  type        = string
  default     = ""
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

variable "notification_channels" {
  description = "Monitoring notification channel ids for the alerts on the controller itself, e.g. [\"projects/my-project/notificationChannels/123\"] (create one in Monitoring > Alerting > Edit notification channels)."
  type        = list(string)
}

variable "create_cloud_builds_topic" {
  description = "Create the cloud-builds topic Cloud Build publishes to (a new project has none). false where the project has it already (gcloud pubsub topics describe cloud-builds succeeds)."
  type        = bool
  default     = true
}
