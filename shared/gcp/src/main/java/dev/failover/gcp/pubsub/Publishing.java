package dev.failover.gcp.pubsub;

import dev.failover.core.port.TransientException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
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
    String name = "projects/" + project + "/topics/" + topic;
    try (TopicPublisher p = new TopicPublisher(name, emulatorHost, Duration.ofSeconds(30))) {
      return p.send(data, attributes);
    } catch (ExecutionException e) {
      throw new TransientException(
          "could not publish to " + name + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new TransientException("publishing to " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("interrupted while publishing", e);
    } catch (java.io.IOException e) {
      throw new TransientException(
          "could not create a publisher for " + topic + ": " + e.getMessage(), e);
    }
  }
}
