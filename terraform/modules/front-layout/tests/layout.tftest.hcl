# Offline: `terraform init && terraform test` in this folder (no provider to download).
# tests/topology-subsets.json is also parsed by the controller's own config parser
# (ConfigJsonTest.terraformsSubsetsTopology), so the two sides agree on one file.

variables {
  project = "demo-project"
  name    = "app"
  regions = {
    "us-central1"  = { capacity_rps = 1000, users_rps = 600, spill_to = ["europe-west1", "asia-east1"] }
    "europe-west1" = { capacity_rps = 1000, users_rps = 500, spill_to = ["us-central1", "asia-east1"] }
    "asia-east1"   = { capacity_rps = 800, users_rps = 400, spill_to = ["us-central1", "europe-west1"] }
  }
}

run "subsets_one_region_out" {
  command = plan
  variables {
    mode = "URL_MAP_SUBSETS"
  }
  assert {
    condition     = jsonencode(local.topology) == jsonencode(jsondecode(file("${path.module}/tests/topology-subsets.json")))
    error_message = "topology differs from tests/topology-subsets.json: ${jsonencode(local.topology)}"
  }
  assert {
    condition     = jsonencode(output.weights) == jsonencode({ "all" = 1000, "all-but-asia-east1" = 0, "all-but-europe-west1" = 0, "all-but-us-central1" = 0 })
    error_message = "weights: ${jsonencode(output.weights)}"
  }
  assert {
    condition     = length(output.negs) == 9 && output.negs["all-but-us-central1/asia-east1"].name == "app-all-but-us-central1"
    error_message = "a NEG per subset and region it holds: ${jsonencode(output.negs)}"
  }
  assert {
    condition     = jsonencode(output.backend_services["all-but-europe-west1"].regions) == jsonencode(["asia-east1", "us-central1"])
    error_message = "all-but-europe-west1 holds: ${jsonencode(output.backend_services)}"
  }
}

run "subsets_two_regions_out_of_four" {
  command = plan
  variables {
    mode            = "URL_MAP_SUBSETS"
    max_regions_out = 2
    regions = {
      "us-central1"  = { capacity_rps = 1000 }
      "us-east1"     = { capacity_rps = 1000 }
      "europe-west1" = { capacity_rps = 1000 }
      "asia-east1"   = { capacity_rps = 1000 }
    }
  }
  # 1 + 4 + 6 subsets; NEGs: 4 + 4 x 3 + 6 x 2
  assert {
    condition     = length(output.backend_services) == 11 && length(output.negs) == 28
    error_message = "subsets: ${jsonencode(keys(output.backend_services))}, NEGs: ${length(output.negs)}"
  }
  assert {
    condition     = jsonencode(output.backend_services["all-but-asia-east1-us-east1"].regions) == jsonencode(["europe-west1", "us-central1"])
    error_message = "all-but-asia-east1-us-east1: ${jsonencode(output.backend_services)}"
  }
  assert {
    condition     = sum(values(output.weights)) == 1000 && output.weights["all"] == 1000
    error_message = "weights: ${jsonencode(output.weights)}"
  }
}

run "long_names_become_digests" {
  command = plan
  variables {
    mode = "URL_MAP_SUBSETS"
    name = "a-service-name-of-thirty-two-chr"
    regions = {
      "northamerica-northeast1" = { capacity_rps = 1000 }
      "australia-southeast1"    = { capacity_rps = 1000 }
    }
  }
  assert {
    condition     = alltrue([for k, b in output.backend_services : length(b.name) <= 63])
    error_message = "names over 63 characters: ${jsonencode(output.backend_services)}"
  }
  assert {
    condition     = output.backend_services["all-but-northamerica-northeast1"].name == "a-service-name-of-thirty-two-chr-all-but-${substr(sha256("northamerica-northeast1"), 0, 10)}"
    error_message = "digest name: ${jsonencode(output.backend_services)}"
  }
  assert {
    condition     = output.backend_services["all-but-australia-southeast1"].name == "a-service-name-of-thirty-two-chr-all-but-australia-southeast1"
    error_message = "a name that fits stays readable: ${jsonencode(output.backend_services)}"
  }
}

run "weights_mode_keeps_a_backend_service_per_region" {
  command = plan
  variables {
    mode = "URL_MAP_WEIGHTS"
    regions = {
      "us-central1"  = { capacity_rps = 1000, base_weight = 50 }
      "europe-west1" = { capacity_rps = 1000, base_weight = 30 }
      "asia-east1"   = { capacity_rps = 1000, base_weight = 20 }
    }
  }
  assert {
    condition     = jsonencode(output.weights) == jsonencode({ "us-central1" = 50, "europe-west1" = 30, "asia-east1" = 20 })
    error_message = "weights: ${jsonencode(output.weights)}"
  }
  assert {
    condition     = output.negs["us-central1"].name == "app-us-central1" && output.backend_services["us-central1"].name == "app-us-central1"
    error_message = "names as before the subsets mode: ${jsonencode(output.negs)}"
  }
  assert {
    condition     = output.topology.regions[2].backend == "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-us-central1" && output.topology.resource == "app" && length(output.topology.subsets) == 0
    error_message = "topology: ${jsonencode(output.topology)}"
  }
}

run "membership_mode_has_one_backend_service" {
  command = plan
  variables {
    mode = "BACKEND_MEMBERSHIP"
  }
  assert {
    condition     = keys(output.backend_services) == ["all"] && output.backend_services["all"].name == "app" && output.topology.resource == "app"
    error_message = "backend services: ${jsonencode(output.backend_services)}"
  }
  assert {
    condition     = output.topology.regions[0].backend == "https://www.googleapis.com/compute/v1/projects/demo-project/regions/asia-east1/networkEndpointGroups/app-asia-east1"
    error_message = "topology: ${jsonencode(output.topology)}"
  }
}

run "max_regions_out_must_leave_a_region" {
  command = plan
  variables {
    mode            = "URL_MAP_SUBSETS"
    max_regions_out = 3
  }
  expect_failures = [var.max_regions_out]
}
