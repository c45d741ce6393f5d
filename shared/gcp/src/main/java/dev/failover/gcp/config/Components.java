package dev.failover.gcp.config;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.HealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TrafficSource;
import dev.failover.gcp.audit.AuditOutbox;
import dev.failover.gcp.audit.ChangeNotifications;
import dev.failover.gcp.audit.FirestoreAuditOutbox;
import dev.failover.gcp.compute.BackendServiceLoadBalancer;
import dev.failover.gcp.compute.ComputeClients;
import dev.failover.gcp.compute.UrlMapLoadBalancer;
import dev.failover.gcp.embedded.FileHealthSource;
import dev.failover.gcp.embedded.FileLoadBalancer;
import dev.failover.gcp.embedded.FileStateStore;
import dev.failover.gcp.health.MonitoringClients;
import dev.failover.gcp.health.MonitoringHealthSource;
import dev.failover.gcp.health.MonitoringTrafficSource;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.pubsub.TopicPublisher;
import dev.failover.gcp.state.FirestoreStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The adapters the configuration asks for, and the handlers built on them. {@code google}: the
 * Compute API for the load balancer, Firestore for memory, Cloud Monitoring for health and traffic
 * (emulator and fake endpoints honoured: {@code FIRESTORE_EMULATOR_HOST}, {@code
 * FAILOVER_COMPUTE_ENDPOINT}). {@code embedded}: local files for all three, shared by every process
 * that names them. Change notifications (FAILOVER_EVENTS) in either mode. Immutable once open;
 * {@link #close} closes the clients it opened.
 */
public final class Components implements AutoCloseable {
  private final StateStore store;
  private final LoadBalancer loadBalancer;
  private final HealthSource health;
  private final TrafficSource traffic;
  private final Optional<ChangeNotifications.Publisher> events;
  private final Optional<AuditOutbox> auditOutbox;
  private final Consumer<String> warn;
  private final List<AutoCloseable> closeables;

  private Components(
      StateStore store,
      LoadBalancer loadBalancer,
      HealthSource health,
      TrafficSource traffic,
      Optional<ChangeNotifications.Publisher> events,
      Optional<AuditOutbox> auditOutbox,
      Consumer<String> warn,
      List<AutoCloseable> closeables) {
    this.store = store;
    this.loadBalancer = loadBalancer;
    this.health = health;
    this.traffic = traffic;
    this.events = events;
    this.auditOutbox = auditOutbox;
    this.warn = warn;
    this.closeables = List.copyOf(closeables);
  }

  /** Opens what {@code env} names; {@code warn} hears of degraded reads (Monitoring down). */
  public static Components open(
      Env env, Clock clock, Map<String, String> environment, Consumer<String> warn) {
    List<AutoCloseable> closeables = new ArrayList<>();
    Optional<ChangeNotifications.Publisher> events = events(env, environment, closeables);
    if (env.adapters() == Env.Adapters.EMBEDDED) {
      return new Components(
          new FileStateStore(env.embedded().stateFile()),
          new FileLoadBalancer(env.embedded().loadBalancerFile(), env.topology()),
          env.embedded()
              .healthFile()
              .<HealthSource>map(FileHealthSource::new)
              .orElse(allHealthy(env)),
          TrafficSource.NONE,
          events,
          Optional.empty(),
          warn,
          closeables);
    }
    LoadBalancer lb = computeLoadBalancer(env, closeables);
    Firestore db = firestore(env, environment, closeables);
    StateStore store =
        new FirestoreStateStore(
            db,
            FirestoreStateStore.keyOf(env.topology().project(), env.topology().resource()),
            env.google().ledgerTtl(),
            clock);
    Optional<AuditOutbox> outbox =
        Optional.of(new FirestoreAuditOutbox(db, clock, Duration.ofSeconds(10)));
    if (env.embedded().healthFile().isPresent()) {
      // drills and end-to-end tests: health from a file instead of Cloud Monitoring
      HealthSource file = new FileHealthSource(env.embedded().healthFile().get());
      return new Components(store, lb, file, TrafficSource.NONE, events, outbox, warn, closeables);
    }
    Supplier<MetricServiceClient> metrics = metricClient(closeables);
    return new Components(
        store,
        lb,
        monitoringHealth(env, metrics, warn),
        new MonitoringTrafficSource(
            metrics,
            env.topology(),
            e ->
                warn.accept(
                    "traffic: Cloud Monitoring could not be read; propagation checks wait: " + e)),
        events,
        outbox,
        warn,
        closeables);
  }

  /**
   * Where the command endpoints publish: the topic FAILOVER_VERIFIED_COMMANDS_TOPIC names ({@code
   * projects/P/topics/T}; only the endpoints' service account may publish there), through a
   * publisher kept for the instance's life ({@code PUBSUB_EMULATOR_HOST} honoured).
   *
   * @throws Env.InvalidEnvironmentException when the variable is missing or malformed
   */
  public static dev.failover.gcp.intake.CommandEndpoint.Outlet verifiedCommands(
      Map<String, String> environment) {
    String topic = environment.getOrDefault("FAILOVER_VERIFIED_COMMANDS_TOPIC", "");
    if (!topic.matches(
        "projects/[a-z][-a-z0-9.:]{4,61}[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9._~+%]{2,254}")) {
      throw new Env.InvalidEnvironmentException(
          "FAILOVER_VERIFIED_COMMANDS_TOPIC must name the verified-commands topic as"
              + " projects/PROJECT/topics/TOPIC, got '"
              + dev.failover.core.domain.Text.printable(topic)
              + "'");
    }
    TopicPublisher p =
        new TopicPublisher(
            topic,
            Optional.ofNullable(environment.get("PUBSUB_EMULATOR_HOST")),
            Duration.ofSeconds(10));
    return p::send;
  }

  /** Where change notifications go (FAILOVER_EVENTS), in any adapter mode. */
  private static Optional<ChangeNotifications.Publisher> events(
      Env env, Map<String, String> environment, List<AutoCloseable> closeables) {
    String spec = env.events();
    if (spec.equals("none")) {
      return Optional.empty();
    }
    if (spec.startsWith("file:")) {
      return Optional.of(ChangeNotifications.toFile(Path.of(spec.substring("file:".length()))));
    }
    TopicPublisher p =
        new TopicPublisher(
            spec,
            Optional.ofNullable(environment.get("PUBSUB_EMULATOR_HOST")),
            Duration.ofSeconds(5));
    closeables.add(p);
    return Optional.of(p);
  }

  /** Without a health file, the embedded default trusts incidents alone: every region healthy. */
  private static HealthSource allHealthy(Env env) {
    return now -> {
      Map<Region, Health> h = new TreeMap<>();
      env.topology()
          .regionNames()
          .forEach(r -> h.put(r, new Health(Health.Status.HEALTHY, Instant.EPOCH)));
      return h;
    };
  }

  private static LoadBalancer computeLoadBalancer(Env env, List<AutoCloseable> closeables) {
    Env.Google g = env.google();
    ComputeClients.Settings cs =
        g.computeEndpoint()
            .map(ComputeClients.Settings::fake)
            .orElse(ComputeClients.Settings.defaults());
    if (env.topology().mode() == Mode.URL_MAP_WEIGHTS
        || env.topology().mode() == Mode.URL_MAP_SUBSETS) {
      var client = ComputeClients.urlMaps(cs);
      closeables.add(client);
      return new UrlMapLoadBalancer(
          client, env.topology(), g.pathMatchers(), cs.operationTimeout());
    }
    var client = ComputeClients.backendServices(cs);
    closeables.add(client);
    return new BackendServiceLoadBalancer(client, env.topology(), cs.operationTimeout());
  }

  private static Firestore firestore(
      Env env, Map<String, String> environment, List<AutoCloseable> closeables) {
    FirestoreOptions.Builder fo =
        FirestoreOptions.newBuilder().setProjectId(env.topology().project());
    env.google().firestoreDatabase().ifPresent(fo::setDatabaseId);
    String emulator = environment.get("FIRESTORE_EMULATOR_HOST");
    if (emulator != null) {
      fo.setEmulatorHost(emulator).setHost(emulator).setCredentials(NoCredentials.getInstance());
    }
    Firestore db = fo.build().getService();
    closeables.add(db);
    return db;
  }

  /** One Monitoring client, created on first use and shared by health and traffic. */
  private static Supplier<MetricServiceClient> metricClient(List<AutoCloseable> closeables) {
    List<MetricServiceClient> created = new ArrayList<>();
    closeables.add(
        () -> {
          synchronized (created) {
            created.forEach(MetricServiceClient::close);
          }
        });
    return () -> {
      synchronized (created) {
        if (created.isEmpty()) {
          try {
            created.add(MonitoringClients.create());
          } catch (IOException e) {
            throw new UncheckedIOException("could not create the Monitoring client", e);
          }
        }
        return created.get(0);
      }
    };
  }

  private static HealthSource monitoringHealth(
      Env env, Supplier<MetricServiceClient> metrics, Consumer<String> warn) {
    Env.Google g = env.google();
    MonitoringHealthSource.Settings d =
        MonitoringHealthSource.Settings.defaults(
            env.topology().project(), g.healthService(), g.uptimeChecks());
    return MonitoringHealthSource.lazy(
        metrics,
        new MonitoringHealthSource.Settings(
            d.project(),
            d.service(),
            g.max5xxRatio(),
            g.minRequests(),
            g.maxP95Millis(),
            d.uptimeChecks(),
            g.uptimeFailingLocations(),
            d.lookback(),
            d.alignment(),
            d.freshness(),
            d.maxGap()),
        env.topology().regionNames().stream().collect(Collectors.toSet()),
        e ->
            warn.accept(
                "health: Cloud Monitoring could not be read, so every region has no data: " + e));
  }

  public StateStore store() {
    return store;
  }

  public LoadBalancer loadBalancer() {
    return loadBalancer;
  }

  public HealthSource health() {
    return health;
  }

  public TrafficSource traffic() {
    return traffic;
  }

  /**
   * Where audit rows wait when the audit table cannot be written: the controller's Firestore
   * database with the google adapters; none with the embedded ones (they write no table).
   */
  public Optional<AuditOutbox> auditOutbox() {
    return auditOutbox;
  }

  /**
   * The handlers over these adapters. Audit records go to {@code audit}; with FAILOVER_EVENTS set,
   * the ones people act on are also published as change notifications.
   */
  public Intake intake(Env env, AuditSink audit, Clock clock, Pause pause) {
    AuditSink sink =
        events.<AuditSink>map(p -> new ChangeNotifications(audit, p, warn)).orElse(audit);
    return Assembly.intake(env, store, loadBalancer, health, traffic, sink, clock, pause);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a client on shutdown: nothing to do about a failure
      }
    }
  }
}
