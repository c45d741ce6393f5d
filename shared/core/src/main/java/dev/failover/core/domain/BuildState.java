package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/** The latest known state of the newest build that deploys to a region. */
public record BuildState(String buildId, BuildStatus status, Instant at) {
  public BuildState {
    Text.requireText(buildId, "build id", 256);
    Objects.requireNonNull(status, "build status");
    Objects.requireNonNull(at, "build time");
  }
}
