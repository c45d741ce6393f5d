variable "project" {
  description = "Project for the controller (and, normally, the load balancer)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "project must be a project id: 6 to 30 lowercase letters, digits and hyphens."
  }
}

variable "region" {
  description = "Region for the functions, the tick job and the source bucket (e.g. us-central1). Pick one that is not the region you fear losing most."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+(-[a-z]+)+[0-9]{1,2}$", var.region))
    error_message = "region must be a region name such as us-central1."
  }
}

variable "name_prefix" {
  description = "Prefix of every controller resource name."
  type        = string
  default     = "failover"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 15 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "topology" {
  description = "The load balancer the controller steers (the service-front module's topology output, or your own): mode, project, resource, regions (region, backend, capacity_rps; base_weight, users_rps and spill_to optional) and, for URL_MAP_SUBSETS, subsets (name, backend, regions). See the README's topology table; its type and rules are checked in ../topology-json."
  type        = any
}

variable "expected_rps" {
  description = "Peak requests per second the regions share; the headroom rule checks survivors against it."
  type        = number
  validation {
    condition     = var.expected_rps >= 0
    error_message = "expected_rps must not be negative."
  }
}

variable "policy" {
  description = "The planner's knobs; anything left out keeps its default (see the README's policy table)."
  type = object({
    min_serving_regions  = optional(number)
    max_drained_fraction = optional(number)
    headroom             = optional(number)
    restore_after        = optional(string)
    ramp_steps           = optional(list(number))
    step_dwell           = optional(string)
    flap_window          = optional(string)
    max_restore_hold     = optional(string)
    drain_on_deploy      = optional(bool)
    deploy_timeout       = optional(string)
    drift                = optional(string)
    drift_pin_ttl        = optional(string)
    verify_below_rps     = optional(number)
    verify_within        = optional(string)
  })
  default = {}
  validation {
    condition     = var.policy.drift == null || contains(["adopt", "revert"], coalesce(var.policy.drift, "adopt"))
    error_message = "policy.drift must be adopt or revert."
  }
  validation {
    condition     = var.policy.headroom == null || (coalesce(var.policy.headroom, 1) > 0 && coalesce(var.policy.headroom, 1) <= 1)
    error_message = "policy.headroom must be in (0, 1]."
  }
}

variable "service_name" {
  description = "Cloud Run service name in the metrics and in Cloud Build's _SERVICE substitution."
  type        = string
  validation {
    # Cloud Run service names: lowercase letters, digits and hyphens, starting with a letter, at most 49
    condition     = can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", var.service_name))
    error_message = "service_name must be a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters."
  }
}

variable "build_service_substitutions" {
  description = "Cloud Build substitutions that may name the service a build deploys, tried in order: ours (_SERVICE) and those of the triggers Cloud Run's console makes (_SERVICE_NAME)."
  type        = list(string)
  default     = ["_SERVICE", "_SERVICE_NAME"]
  validation {
    condition     = length(var.build_service_substitutions) > 0 && alltrue([for k in var.build_service_substitutions : can(regex("^_[A-Z0-9_]+$", k))])
    error_message = "build_service_substitutions must be user substitutions such as _SERVICE (underscore, capitals)."
  }
}

variable "build_region_substitutions" {
  description = "Cloud Build substitutions that may name the region a build deploys to, tried in order: ours (_REGION) and the Cloud Run console's (_DEPLOY_REGION). Tags region-<name> and a deploy step's --region count too."
  type        = list(string)
  default     = ["_REGION", "_DEPLOY_REGION"]
  validation {
    condition     = length(var.build_region_substitutions) > 0 && alltrue([for k in var.build_region_substitutions : can(regex("^_[A-Z0-9_]+$", k))])
    error_message = "build_region_substitutions must be user substitutions such as _REGION (underscore, capitals)."
  }
}

variable "run_urls" {
  description = "Per region, the URL that reaches that region's service directly (the uptime checks probe it). Empty: no uptime checks, and a drained region can only be restored by hand."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for u in values(var.run_urls) : can(regex("^https://[a-z0-9.-]+(/.*)?$", u))])
    error_message = "run_urls must map each region to an https:// URL of its service, e.g. https://app-abc123-uc.a.run.app (the uptime checks probe it over TLS)."
  }
}

variable "health_path" {
  description = "Path the uptime checks request."
  type        = string
  default     = "/"
  validation {
    condition     = startswith(var.health_path, "/") && !can(regex("[[:space:]]", var.health_path))
    error_message = "health_path must be a path starting with /, without spaces, e.g. /healthz."
  }
}

variable "alert_5xx_ratio" {
  description = "A region whose 5xx share stays above this for alert_window opens an incident."
  type        = number
  default     = 0.05
  validation {
    condition     = var.alert_5xx_ratio > 0 && var.alert_5xx_ratio < 1
    error_message = "alert_5xx_ratio must be in (0, 1)."
  }
}

variable "alert_p95_ms" {
  description = "A region whose p95 latency stays above this many milliseconds for alert_window opens an incident; 0 for no latency policy."
  type        = number
  default     = 2000
  validation {
    condition     = var.alert_p95_ms >= 0
    error_message = "alert_p95_ms must be 0 (no latency policy) or a positive number of milliseconds."
  }
}

variable "alert_window" {
  description = "How long a condition must hold before an incident opens, e.g. 120s."
  type        = string
  default     = "120s"
  validation {
    condition     = can(regex("^[0-9]+s$", var.alert_window))
    error_message = "alert_window is a number of seconds such as 120s."
  }
}

variable "function_zip" {
  description = "Path of the functions' source archive (functions/package.sh writes functions/target/function-source.zip)."
  type        = string
  validation {
    # a missing archive would fail only when the bucket object is uploaded, half-way through an apply
    condition     = fileexists(var.function_zip)
    error_message = "function_zip names no file: run functions/package.sh first (it writes functions/target/function-source.zip)."
  }
}

variable "operators_group" {
  description = "Who may send operator commands (drain, restore, pin-serve, unpin, drill, forget) through the command endpoint, e.g. group:sre@example.com: roles/run.invoker on it."
  type        = string
  validation {
    condition     = can(regex("^(group|user|serviceAccount):", var.operators_group))
    error_message = "operators_group must be an IAM member such as group:sre@example.com."
  }
}

variable "command_endpoint_invokers" {
  description = "Others who may call the command endpoint besides operators_group, e.g. the service accounts of deploy pipelines (serviceAccount:deployer@P.iam.gserviceaccount.com). Their commands are recorded with their verified principal."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for m in var.command_endpoint_invokers : can(regex("^(group|user|serviceAccount):[^ ]+@[^ ]+$", m))])
    error_message = "command_endpoint_invokers must be IAM members such as serviceAccount:deployer@my-project.iam.gserviceaccount.com."
  }
}

variable "break_glass_group" {
  description = "The smaller group who may break glass (drain or pin-serve overriding the safety rules) through the break-glass endpoint, e.g. group:sre-leads@example.com. Empty: no break-glass endpoint, and nobody can break glass."
  type        = string
  default     = ""
  validation {
    condition     = var.break_glass_group == "" || can(regex("^(group|user|serviceAccount):[^ ]+@[^ ]+$", var.break_glass_group))
    error_message = "break_glass_group must be empty or an IAM member such as group:sre-leads@example.com."
  }
}

variable "direct_command_publishers" {
  description = "Members who may publish straight to the commands topic (roles/pubsub.publisher on it), e.g. an old pipeline not yet moved to the endpoint. Default: nobody. Their commands are recorded as unverified (requested_by is only what they wrote) and break_glass from them is refused."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for m in var.direct_command_publishers : can(regex("^(group|user|serviceAccount):[^ ]+@[^ ]+$", m))])
    error_message = "direct_command_publishers must be IAM members such as serviceAccount:legacy-deployer@my-project.iam.gserviceaccount.com."
  }
}

variable "create_cloud_builds_topic" {
  description = "Create the cloud-builds topic that Cloud Build publishes to (a new project has none). Set false when the project has it already (gcloud pubsub topics describe cloud-builds succeeds), or the apply fails with 409."
  type        = bool
  default     = true
}

variable "max_delivery_attempts" {
  description = "Deliveries of an alert, build or command to its function before Pub/Sub gives up and forwards it to the dead-letter topic (5 to 100; the tick's subscription always uses 5). With the default backoff, 20 attempts span about half an hour."
  type        = number
  default     = 20
  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100 && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 5 to 100 (Pub/Sub's dead-letter policy range)."
  }
}

variable "retry_minimum_backoff" {
  description = "The shortest wait before Pub/Sub redelivers an event whose function failed (a transient cloud error): the first retry comes this soon, later ones back off exponentially."
  type        = string
  default     = "5s"
  validation {
    condition     = can(regex("^[0-9]+s$", var.retry_minimum_backoff)) && tonumber(trimsuffix(var.retry_minimum_backoff, "s")) <= 600
    error_message = "retry_minimum_backoff must be a number of seconds from 0s to 600s."
  }
}

variable "retry_maximum_backoff" {
  description = "The longest wait between two deliveries of a failing event."
  type        = string
  default     = "120s"
  validation {
    condition     = can(regex("^[0-9]+s$", var.retry_maximum_backoff)) && tonumber(trimsuffix(var.retry_maximum_backoff, "s")) <= 600
    error_message = "retry_maximum_backoff must be a number of seconds up to 600s."
  }
}

variable "firestore_database" {
  description = "Firestore database (Native mode) that holds the controller's memory."
  type        = string
  default     = "failover"
  validation {
    # Firestore database ids: 4 to 63 lowercase letters, digits and hyphens, starting with a letter
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database))
    error_message = "firestore_database must be 4 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "firestore_location" {
  description = "Firestore location, e.g. nam5 or eur3 (multi-region) or a region."
  type        = string
  default     = "nam5"
  validation {
    condition     = can(regex("^[a-z]+[0-9]*(-[a-z]+[0-9]+)?$", var.firestore_location))
    error_message = "firestore_location must be a Firestore location such as nam5, eur3 or us-east1."
  }
}

variable "bigquery_location" {
  description = "Location of the audit dataset."
  type        = string
  default     = "US"
  validation {
    condition     = can(regex("^(US|EU|us|eu|[a-z]+-[a-z]+[0-9]+)$", var.bigquery_location))
    error_message = "bigquery_location must be US, EU or a region such as europe-west1."
  }
}

variable "audit_schema" {
  description = "Path of the audit table's schema (the repository's schema/audit_record.bigquery.json)."
  type        = string
  default     = ""
  validation {
    condition     = var.audit_schema == "" || fileexists(var.audit_schema)
    error_message = "audit_schema names no file; leave it empty for the repository's schema/audit_record.bigquery.json."
  }
}

variable "deletion_protection" {
  description = "Protect the audit table from deletion and keep the Firestore database on destroy (false: destroy deletes both, so that a later apply can create them again)."
  type        = bool
  default     = true
}

variable "alerts_min_instances" {
  description = "Warm instances kept for the alerts function. A cold Java instance needs about 1.5 s more before it can drain (BENCHMARKS.md); one warm instance removes that from the time to drain. 0 saves the idle cost."
  type        = number
  default     = 1

  validation {
    condition     = var.alerts_min_instances >= 0 && var.alerts_min_instances <= 3
    error_message = "alerts_min_instances must be between 0 and 3 (max_instance_count)."
  }
}

variable "custom_role_suffix" {
  description = "Appended to the custom role's id. A destroyed custom role's id stays reserved for 37 days: after a destroy, set a new suffix (e.g. 2) to apply again."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{0,10}$", var.custom_role_suffix))
    error_message = "custom_role_suffix must be up to 10 letters, digits or underscores."
  }
}

variable "notification_channels" {
  description = "Monitoring notification channels (ids such as projects/P/notificationChannels/N: e-mail, PagerDuty, Slack...) that the alerts on the controller itself go to: a page record, a change whose traffic did not move, dead-lettered events, failing functions, a tick that stopped."
  type        = list(string)
  validation {
    condition     = length(var.notification_channels) > 0 && alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "notification_channels needs at least one channel id of the form projects/PROJECT/notificationChannels/NUMBER."
  }
}

variable "uptime_failing_locations" {
  description = "An uptime-check minute counts as unhealthy only when the check failed from at least this many of its checker locations (about six): one failed probe from one location is usually the path, not the region, and would restart the hold a restore waits for."
  type        = number
  default     = 2
  validation {
    condition     = var.uptime_failing_locations >= 1 && var.uptime_failing_locations <= 6 && floor(var.uptime_failing_locations) == var.uptime_failing_locations
    error_message = "uptime_failing_locations must be a whole number from 1 to 6."
  }
}
