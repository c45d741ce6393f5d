package dev.failover.gcp.compute;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.BackendServicesClient;
import com.google.cloud.compute.v1.BackendServicesSettings;
import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.cloud.compute.v1.UrlMapsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Creates the Compute clients with the controller's settings: GETs retried on UNAVAILABLE,
 * DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED for at most {@code getTimeout} (the library's 10 minutes
 * would outlive a function), PATCH never retried by the library (the controller re-reads and
 * re-plans), operations polled every {@code pollDelay} ×1.5 for at most {@code operationTimeout}.
 * An {@code endpoint} such as {@code http://127.0.0.1:PORT} points them at a fake without
 * credentials.
 *
 * <p>The defaults keep one reconcile within half the functions' 120 s timeout: a GET (10 s), the
 * Monitoring reads (10 s each for health and traffic, see {@code MonitoringClients}) and the
 * write's operation (30 s). An operation that outlives its wait is not lost: its pending-write
 * marker stays and the next reconcile finds whether it landed.
 */
public final class ComputeClients {

  /** Knobs; {@link #defaults()} suits Cloud Functions. */
  public record Settings(
      Optional<String> endpoint,
      Duration getTimeout,
      Duration pollDelay,
      Duration operationTimeout) {
    public static Settings defaults() {
      return new Settings(
          Optional.empty(), Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    public static Settings fake(String endpoint) {
      return new Settings(
          Optional.of(endpoint),
          Duration.ofSeconds(3),
          Duration.ofMillis(10),
          Duration.ofSeconds(5));
    }
  }

  private ComputeClients() {}

  public static UrlMapsClient urlMaps(Settings s) {
    try {
      UrlMapsSettings.Builder b = UrlMapsSettings.newBuilder();
      s.endpoint()
          .ifPresent(e -> b.setEndpoint(e).setCredentialsProvider(NoCredentialsProvider.create()));
      b.getSettings()
          .setRetryableCodes(retryable())
          .setRetrySettings(getRetry(b.getSettings().getRetrySettings(), s));
      b.patchOperationSettings()
          .setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling(s)));
      return UrlMapsClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the URL maps client", e);
    }
  }

  public static BackendServicesClient backendServices(Settings s) {
    try {
      BackendServicesSettings.Builder b = BackendServicesSettings.newBuilder();
      s.endpoint()
          .ifPresent(e -> b.setEndpoint(e).setCredentialsProvider(NoCredentialsProvider.create()));
      b.getSettings()
          .setRetryableCodes(retryable())
          .setRetrySettings(getRetry(b.getSettings().getRetrySettings(), s));
      b.patchOperationSettings()
          .setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling(s)));
      return BackendServicesClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the backend services client", e);
    }
  }

  private static java.util.Set<StatusCode.Code> retryable() {
    return java.util.Set.of(
        StatusCode.Code.UNAVAILABLE,
        StatusCode.Code.DEADLINE_EXCEEDED,
        StatusCode.Code.RESOURCE_EXHAUSTED);
  }

  private static RetrySettings getRetry(RetrySettings base, Settings s) {
    return base.toBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(100))
        .setRetryDelayMultiplier(1.5)
        .setMaxRetryDelayDuration(Duration.ofSeconds(2))
        .setTotalTimeoutDuration(s.getTimeout())
        .build();
  }

  private static RetrySettings polling(Settings s) {
    return RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(s.pollDelay())
        .setRetryDelayMultiplier(1.5)
        .setMaxRetryDelayDuration(Duration.ofSeconds(5))
        .setTotalTimeoutDuration(s.operationTimeout())
        .setInitialRpcTimeoutDuration(Duration.ZERO)
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ZERO)
        .build();
  }

  /**
   * How long a write waits for its operation: {@code maxWait} (what is left of the reconcile's
   * budget), never longer than the client polls it ({@code operationTimeout}) and a second.
   */
  static Duration operationWait(Duration operationTimeout, Duration maxWait) {
    Duration longest = operationTimeout.plusSeconds(1);
    return maxWait.compareTo(longest) < 0 ? maxWait : longest;
  }
}
