package dev.failover.gcp.health;

import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import java.io.IOException;
import java.time.Duration;

/**
 * The Monitoring client as the controller uses it: every {@code ListTimeSeries} call has a
 * deadline. The client's default retries one call for up to 90 s, while a function has 120 s for
 * its whole reconcile: a slow Monitoring would hold a drain's PATCH past the function's timeout.
 * With a deadline, a read that does not answer in time is no data (health: NO_DATA, which never
 * restores a region; traffic: the check waits for the next tick), and the reconcile goes on.
 */
public final class MonitoringClients {
  /** One attempt of a read. */
  public static final Duration RPC_TIMEOUT = Duration.ofSeconds(5);

  /** A read with its retries. */
  public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(10);

  private MonitoringClients() {}

  /** Sets the deadlines of {@code ListTimeSeries} on {@code builder}. */
  public static MetricServiceSettings.Builder withDeadlines(
      MetricServiceSettings.Builder builder, Duration rpc, Duration total) {
    var call = builder.listTimeSeriesSettings();
    call.setRetrySettings(
        call.getRetrySettings().toBuilder()
            .setInitialRpcTimeoutDuration(rpc)
            .setMaxRpcTimeoutDuration(rpc)
            .setTotalTimeoutDuration(total)
            .build());
    return builder;
  }

  /** A client with the default credentials and the deadlines above. */
  public static MetricServiceClient create() throws IOException {
    return MetricServiceClient.create(
        withDeadlines(MetricServiceSettings.newBuilder(), RPC_TIMEOUT, TOTAL_TIMEOUT).build());
  }
}
