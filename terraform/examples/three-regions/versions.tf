terraform {
  required_version = ">= 1.9" # the modules' validations read other variables
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.9, < 7.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.9, < 7.0"
    }
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9, < 1.0"
    }
  }
}

provider "google" {
  project = var.project
}

# the controller module creates Google's service agents with it (beta-only resource in 6.x)
provider "google-beta" {
  project = var.project
}
