# Offline: `terraform init && terraform test` in this folder (no provider to download).
# The files written here are parsed by the functions' own parser in
# dev.failover.gcp.json.TerraformTopologyTest, so both sides agree on the same bytes.

run "subsets_front_as_the_service_front_lays_it_out" {
  command = plan
  variables {
    topology     = jsondecode(file("../front-layout/tests/topology-subsets.json"))
    expected_rps = 1500
  }
  assert {
    condition     = jsondecode(output.json) == jsondecode(file("tests/FAILOVER_TOPOLOGY-subsets.json"))
    error_message = "FAILOVER_TOPOLOGY differs from tests/FAILOVER_TOPOLOGY-subsets.json: ${output.json}"
  }
}

run "weights_front_leaves_unset_fields_out" {
  command = plan
  variables {
    topology = {
      mode     = "URL_MAP_WEIGHTS"
      project  = "demo-project"
      resource = "app"
      regions = [
        { region = "us-central1", backend = "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-us-central1", capacity_rps = 1000, base_weight = 50, users_rps = null, spill_to = null },
        { region = "europe-west1", backend = "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-europe-west1", capacity_rps = 800, base_weight = 30 },
        { region = "asia-east1", backend = "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-asia-east1", capacity_rps = 600, base_weight = 20 },
      ]
      subsets = []
    }
    expected_rps = 1200
  }
  assert {
    condition     = jsondecode(output.json) == jsondecode(file("tests/FAILOVER_TOPOLOGY-weights.json"))
    error_message = "FAILOVER_TOPOLOGY differs from tests/FAILOVER_TOPOLOGY-weights.json: ${output.json}"
  }
}

run "subsets_mode_needs_subsets" {
  command = plan
  variables {
    topology = {
      mode     = "URL_MAP_SUBSETS"
      project  = "demo-project"
      resource = "app"
      regions = [
        { region = "us-central1", backend = "b1", capacity_rps = 1000 },
        { region = "europe-west1", backend = "b2", capacity_rps = 1000 },
      ]
    }
    expected_rps = 100
  }
  expect_failures = [var.topology]
}
