package dev.failover.gcp.pubsub;

import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.failover.gcp.audit.ChangeNotifications;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Publishes change notifications to one topic with a publisher kept for the life of the instance
 * (created on the first notification, not at start). Each publish waits for Pub/Sub's answer, at
 * most {@code timeout}: a function instance gets no CPU after it answers, so a message left in a
 * batch could wait until the next event. No batching delay for the same reason.
 */
public final class TopicPublisher implements ChangeNotifications.Publisher, AutoCloseable {
  private final TopicName topic;
  private final Optional<String> emulatorHost;
  private final Duration timeout;
  private Publisher publisher;
  private ManagedChannel channel;

  public TopicPublisher(String topicId, Optional<String> emulatorHost, Duration timeout) {
    this.topic = TopicName.parse(topicId);
    this.emulatorHost = emulatorHost;
    this.timeout = timeout;
  }

  private synchronized Publisher publisher() throws java.io.IOException {
    if (publisher == null) {
      Publisher.Builder b =
          Publisher.newBuilder(topic)
              .setBatchingSettings(
                  BatchingSettings.newBuilder()
                      .setElementCountThreshold(1L)
                      .setIsEnabled(false)
                      .build());
      if (emulatorHost.isPresent()) {
        channel = ManagedChannelBuilder.forTarget(emulatorHost.get()).usePlaintext().build();
        b.setChannelProvider(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create());
      }
      publisher = b.build();
    }
    return publisher;
  }

  @Override
  public void publish(String data, Map<String, String> attributes) throws Exception {
    send(data, attributes);
  }

  /** Publishes one message and returns its id, waiting at most the timeout. */
  public String send(String data, Map<String, String> attributes)
      throws java.io.IOException,
          InterruptedException,
          java.util.concurrent.ExecutionException,
          java.util.concurrent.TimeoutException {
    PubsubMessage m =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8))
            .putAllAttributes(attributes)
            .build();
    return publisher().publish(m).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (publisher != null) {
      publisher.shutdown();
      try {
        publisher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
