package dev.failover.gcp.compute;

import dev.failover.core.domain.Topology;

/**
 * The faults and crashes of {@link ControllerFaultsTest} on the subsets layout: the URL map weighs
 * over the subset backend services {@code all} and {@code all-but-X}, and draining us-central1
 * moves the weight from {@code all} to {@code all-but-us-central1}.
 */
class ControllerFaultsSubsetsTest extends ControllerFaultsTest {
  @Override
  Topology topology() {
    return ComputeLoadBalancerTest.subsetsTopology(900);
  }

  @Override
  String servingEverywhere() {
    return ComputeLoadBalancerTest.subsetWeights(1000, 0, 0, 0);
  }

  @Override
  String drained() {
    return "asia-east1=100% europe-west1=100% us-central1=0%";
  }
}
