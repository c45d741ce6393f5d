terraform {
  required_version = ">= 1.9" # validations that read other variables
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.9, < 7.0"
    }
  }
}
