# Three regions of one Cloud Run service behind a global external Application Load Balancer that
# can fail over, and the failover controller steering it.

module "front" {
  source  = "../../modules/service-front"
  project = var.project
  name    = "app"
  image   = var.image
  domains = var.domains
  # mode = "URL_MAP_SUBSETS" (the default): users stay on their nearest region; a drain moves only the
  # drained region's users, to the first serving region of its spill_to
  max_regions_out = 1
  regions = {
    "us-central1"  = { capacity_rps = 1000, users_rps = 600, spill_to = ["europe-west1", "asia-east1"] }
    "europe-west1" = { capacity_rps = 1000, users_rps = 500, spill_to = ["us-central1", "asia-east1"] }
    "asia-east1"   = { capacity_rps = 1000, users_rps = 400, spill_to = ["us-central1", "europe-west1"] }
  }

  depends_on = [time_sleep.apis_settle]
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
  # the smaller group who may break glass (its own endpoint); empty: nobody can
  break_glass_group = var.break_glass_group
  # pipelines that send deploy gates (examples/cloudbuild.yaml) as their own service account
  command_endpoint_invokers = var.command_endpoint_invokers
  # where the alerts on the controller itself go (a page, dead letters, failing functions, no tick)
  notification_channels = var.notification_channels
  # false where the project has a cloud-builds topic already (gcloud pubsub topics describe cloud-builds)
  create_cloud_builds_topic = var.create_cloud_builds_topic
  policy = {
    # at most a third of the capacity out: one region of three, which the subsets that
    # max_regions_out = 1 creates can express (more would be held: subset_missing)
    max_drained_fraction = 0.34
    min_serving_regions  = 1
    drain_on_deploy      = true
  }

  depends_on = [time_sleep.apis_settle]
}
