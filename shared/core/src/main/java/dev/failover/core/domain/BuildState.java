package dev.failover.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The latest known state of the newest build that deploys to a region.
 *
 * @param at the time of the status: for {@code WORKING} the build's start, for a terminal status
 *     its finish
 * @param forgotten set by an operator's {@code forget-build}: the build no longer wants its region
 *     out, and later statuses of the same build are ignored (a newer build replaces it as usual)
 * @param timeout the build's own {@code timeout}, when it gave one: how long a deploy may take
 * @param sharedDeploy the build deploys several regions (a pipeline): which one it deploys now
 *     cannot be told from its notifications, so it never drains for the deploy (deploy gates do)
 * @param expired the deploy ran past its deadline while the region was out for it: audited once,
 *     and the build no longer wants the region out
 */
public record BuildState(
    String buildId,
    BuildStatus status,
    Instant at,
    boolean forgotten,
    Optional<Duration> timeout,
    boolean sharedDeploy,
    boolean expired) {

  /** How long a deploy may keep its region out when neither the policy nor the build says. */
  public static final Duration DEFAULT_DEPLOY_TIMEOUT = Duration.ofMinutes(30);

  public BuildState {
    Text.requireText(buildId, "build id", 256);
    Objects.requireNonNull(status, "build status");
    Objects.requireNonNull(at, "build time");
    Objects.requireNonNull(timeout, "build timeout");
    if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
      throw new IllegalArgumentException("build timeout must be positive, got " + timeout.get());
    }
  }

  public BuildState(String buildId, BuildStatus status, Instant at, boolean forgotten) {
    this(buildId, status, at, forgotten, Optional.empty(), false, false);
  }

  public BuildState(String buildId, BuildStatus status, Instant at) {
    this(buildId, status, at, false);
  }

  public BuildState forget() {
    return new BuildState(buildId, status, at, true, timeout, sharedDeploy, expired);
  }

  /** The same build, its deploy deadline passed. */
  public BuildState expire() {
    return new BuildState(buildId, status, at, forgotten, timeout, sharedDeploy, true);
  }

  /**
   * Until when a running deploy may keep its region out: its start plus {@code policyTimeout} when
   * the policy sets one, else the build's own timeout, else {@link #DEFAULT_DEPLOY_TIMEOUT}.
   */
  public Instant deployDeadline(Optional<Duration> policyTimeout) {
    return at.plus(policyTimeout.or(() -> timeout).orElse(DEFAULT_DEPLOY_TIMEOUT));
  }

  /**
   * True when this build wants its region out at {@code now} under {@code policy}: it is running,
   * deploys this region alone, {@code drain_on_deploy} is on, and its deadline has not passed. A
   * failed build never does: a failed Cloud Run deploy leaves the previous revision serving.
   */
  public boolean drainsAt(Instant now, Policy policy) {
    return drainsForDeploy(policy) && now.isBefore(deployDeadline(policy.deployTimeout()));
  }

  /**
   * True when this build drained its region for the deploy and the deadline has come at {@code
   * now}: time to end it, once ({@link #expire}).
   */
  public boolean deadlinePassedAt(Instant now, Policy policy) {
    return drainsForDeploy(policy) && !now.isBefore(deployDeadline(policy.deployTimeout()));
  }

  /**
   * Running, deploying this region alone, with {@code drain_on_deploy}, neither forgotten nor
   * ended.
   */
  private boolean drainsForDeploy(Policy policy) {
    return status == BuildStatus.WORKING
        && policy.drainOnDeploy()
        && !forgotten
        && !sharedDeploy
        && !expired;
  }
}
