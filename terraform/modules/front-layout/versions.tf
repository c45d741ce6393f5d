terraform {
  # no provider: this module only computes names and the controller's topology, so that
  # `terraform test` can check it offline (see tests/)
  required_version = ">= 1.9"
}
