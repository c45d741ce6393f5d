terraform {
  required_version = ">= 1.9" # validations that read other variables; the topology-json module
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.9, < 7.0"
    }
    # google_project_service_identity (agents.tf) is beta-only in 6.x
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.9, < 7.0"
    }
    # waits for IAM grants and new log-based metrics to settle
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9, < 1.0"
    }
  }
}
