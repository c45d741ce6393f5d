package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.testing.Emulator;
import dev.failover.gcp.intake.Inbound;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.PubsubMessage;
import dev.failover.gcp.json.ConfigJson;
import dev.failover.gcp.json.Strict;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each operator command published by failoverctl into the Pub/Sub emulator and read back from a
 * subscription: byte for byte the message --dry-run shows, and accepted by the commands function's
 * parser.
 */
class CommandsPublishIT {
  static Emulator emulator;
  static ManagedChannel channel;
  static SubscriptionAdminClient subscriptions;
  static final String PROJECT = "demo-project";
  static final SubscriptionName SUB = SubscriptionName.of(PROJECT, "failover-commands-check");

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulator.pubsub();
    channel = ManagedChannelBuilder.forTarget(emulator.hostPort()).usePlaintext().build();
    TransportChannelProvider cp =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    try (TopicAdminClient topics =
        TopicAdminClient.create(
            TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(cp)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      topics.createTopic(TopicName.of(PROJECT, "failover-commands"));
    }
    subscriptions =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(cp)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    subscriptions.createSubscription(
        SUB, TopicName.of(PROJECT, "failover-commands"), PushConfig.getDefaultInstance(), 10);
  }

  @AfterAll
  static void stop() {
    if (subscriptions != null) {
      subscriptions.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void everyCommand_arrivesAsTheSchemaTheFunctionAccepts() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("FAILOVER_TOPOLOGY_FILE", "../examples/topology.json");
    env.put("USER", "alice");
    List<String[]> commands =
        List.of(
            new String[] {"drain", "europe-west1", "--reason", "db maintenance", "--ttl", "2h"},
            new String[] {"restore", "europe-west1", "--reason", "done"},
            new String[] {"pin-serve", "us-central1", "--reason", "keep it in", "--ttl", "30m"},
            new String[] {"unpin", "us-central1", "--reason", "incident over"});
    List<String> expected = new ArrayList<>();
    for (String[] c : commands) {
      List<String> dry = new ArrayList<>(List.of(c));
      dry.add("--dry-run");
      Cli.Run preview = Cli.run(env, dry.toArray(String[]::new));
      assertEquals(0, preview.exit(), preview.err());
      expected.add(preview.out().strip());
      List<String> pub = new ArrayList<>(List.of(c));
      pub.addAll(
          List.of(
              "--project",
              PROJECT,
              "--topic",
              "failover-commands",
              "--emulator",
              emulator.hostPort()));
      Cli.Run published = Cli.run(env, pub.toArray(String[]::new));
      assertEquals(0, published.exit(), published.err());
      assertTrue(
          published.out().strip().matches("\\d+"), "prints the message id: " + published.out());
    }
    List<String> received = new ArrayList<>();
    for (int tries = 0; tries < 20 && received.size() < commands.size(); tries++) {
      PullResponse r = subscriptions.pull(SUB, 10);
      List<String> acks = new ArrayList<>();
      for (ReceivedMessage m : r.getReceivedMessagesList()) {
        received.add(m.getMessage().getData().toString(StandardCharsets.UTF_8));
        acks.add(m.getAckId());
      }
      if (!acks.isEmpty()) {
        subscriptions.acknowledge(SUB, acks);
      }
    }
    assertEquals(
        new java.util.TreeSet<>(expected),
        new java.util.TreeSet<>(received),
        "byte for byte what --dry-run showed");
    var topology =
        ConfigJson.topology(
            Strict.parse(Files.readString(Path.of("../examples/topology.json")), "topology"));
    for (String data : received) {
      Inbound in =
          new OperatorCommands(topology)
              .parse(new PubsubMessage("1", Optional.of(Cli.NOW), Map.of(), data), Cli.NOW);
      assertTrue(in instanceof Inbound.Accepted, data + " -> " + in);
      assertTrue(((Inbound.Accepted) in).event() instanceof ControllerEvent.CommandEvent);
    }
  }
}
