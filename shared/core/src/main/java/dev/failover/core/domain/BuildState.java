package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest known state of the newest build that deploys to a region.
 *
 * @param forgotten set by an operator's {@code forget-build}: the build no longer wants its region
 *     out, and later statuses of the same build are ignored (a newer build replaces it as usual)
 */
public record BuildState(String buildId, BuildStatus status, Instant at, boolean forgotten) {
  public BuildState {
    Text.requireText(buildId, "build id", 256);
    Objects.requireNonNull(status, "build status");
    Objects.requireNonNull(at, "build time");
  }

  public BuildState(String buildId, BuildStatus status, Instant at) {
    this(buildId, status, at, false);
  }

  public BuildState forget() {
    return new BuildState(buildId, status, at, true);
  }
}
