terraform {
  # no provider: `terraform test` checks it offline (see tests/)
  required_version = ">= 1.9"
}
