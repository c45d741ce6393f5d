package dev.failover.gcp.pubsub;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.failover.core.port.TransientException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one message to a Pub/Sub topic and returns its message id. With an emulator host
 * (usually from {@code PUBSUB_EMULATOR_HOST}, which the Java client itself ignores) it talks
 * plaintext without credentials; otherwise it uses Application Default Credentials.
 */
public final class Publishing {
  private Publishing() {}

  public static String publish(
      String project,
      String topic,
      String data,
      Map<String, String> attributes,
      Optional<String> emulatorHost) {
    ManagedChannel channel = null;
    Publisher publisher = null;
    try {
      Publisher.Builder b = Publisher.newBuilder(TopicName.of(project, topic));
      if (emulatorHost.isPresent()) {
        channel = ManagedChannelBuilder.forTarget(emulatorHost.get()).usePlaintext().build();
        b.setChannelProvider(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create());
      }
      publisher = b.build();
      PubsubMessage m =
          PubsubMessage.newBuilder()
              .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8))
              .putAllAttributes(attributes)
              .build();
      return publisher.publish(m).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new TransientException(
          "could not publish to projects/"
              + project
              + "/topics/"
              + topic
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new TransientException(
          "publishing to projects/" + project + "/topics/" + topic + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("interrupted while publishing", e);
    } catch (java.io.IOException e) {
      throw new TransientException(
          "could not create a publisher for " + topic + ": " + e.getMessage(), e);
    } finally {
      if (publisher != null) {
        publisher.shutdown();
        try {
          publisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (channel != null) {
        channel.shutdownNow();
      }
    }
  }
}
