package dev.failover.gcp.health;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import com.google.monitoring.v3.ListTimeSeriesRequest;
import com.google.monitoring.v3.ListTimeSeriesResponse;
import com.google.monitoring.v3.MetricServiceGrpc;
import com.google.monitoring.v3.TimeSeries;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Cloud Monitoring's Metric service, in process over gRPC: answers {@code listTimeSeries} with what
 * the test sets, records every request, and fails on demand; the real client talks to it.
 */
final class MetricServiceFake implements AutoCloseable {
  final List<ListTimeSeriesRequest> requests = new CopyOnWriteArrayList<>();
  volatile Function<ListTimeSeriesRequest, List<TimeSeries>> answer = r -> List.of();
  volatile Status failWith;

  /** Take requests and never answer them (a Monitoring that hangs). */
  volatile boolean hang;

  final MetricServiceClient client;
  private final Server server;
  private final ManagedChannel channel;

  MetricServiceFake() throws IOException {
    this(MetricServiceSettings.newBuilder());
  }

  /** With the controller's deadlines on listTimeSeries (see {@link MonitoringClients}). */
  static MetricServiceFake withDeadlines(Duration rpc, Duration total) throws IOException {
    return new MetricServiceFake(
        MonitoringClients.withDeadlines(MetricServiceSettings.newBuilder(), rpc, total));
  }

  private MetricServiceFake(MetricServiceSettings.Builder settings) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new MetricServiceGrpc.MetricServiceImplBase() {
                  @Override
                  public void listTimeSeries(
                      ListTimeSeriesRequest req, StreamObserver<ListTimeSeriesResponse> obs) {
                    requests.add(req);
                    if (hang) {
                      return;
                    }
                    Status fail = failWith;
                    if (fail != null) {
                      obs.onError(fail.asRuntimeException());
                      return;
                    }
                    obs.onNext(
                        ListTimeSeriesResponse.newBuilder()
                            .addAllTimeSeries(answer.apply(req))
                            .build());
                    obs.onCompleted();
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client =
        MetricServiceClient.create(
            settings
                .setTransportChannelProvider(
                    FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @Override
  public void close() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
  }
}
