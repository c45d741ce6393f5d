# Three regions of one Cloud Run service behind a global external Application Load Balancer that
# can fail over, and the failover controller steering it.

module "front" {
  source  = "../../modules/service-front"
  project = var.project
  name    = "app"
  image   = var.image
  domains = var.domains
  regions = {
    "us-central1"  = { base_weight = 100, capacity_rps = 1000 }
    "europe-west1" = { base_weight = 100, capacity_rps = 1000 }
    "asia-east1"   = { base_weight = 100, capacity_rps = 1000 }
  }

  depends_on = [google_project_service.api]
}

module "controller" {
  source          = "../../modules/failover-controller"
  project         = var.project
  region          = var.controller_region
  topology        = module.front.topology
  expected_rps    = var.expected_rps
  service_name    = module.front.service_name
  run_urls        = module.front.run_urls
  function_zip    = var.function_zip
  operators_group = var.operators_group
  policy = {
    min_serving_regions = 1
    drain_on_deploy     = true
  }

  depends_on = [google_project_service.api]
}
