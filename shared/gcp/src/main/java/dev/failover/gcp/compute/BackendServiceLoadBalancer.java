package dev.failover.gcp.compute;

import com.google.cloud.compute.v1.Backend;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.BackendServicesClient;
import com.google.cloud.compute.v1.Operation;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link Mode#BACKEND_MEMBERSHIP} and {@link Mode#CAPACITY_SCALER} on a global backend service, one
 * backend (serverless NEG or instance group) per region, matched by its {@code group} URL.
 *
 * <p>Membership: a region serves while its backend is in {@code backends[]}; draining sends the
 * list without it, restoring sends it back exactly as it was (the entry parked by the controller
 * when it was removed, else {@code {"group": URL}}). Capacity scaler: each backend's {@code
 * capacityScaler} is set, everything else of the entry is kept. {@code backends} is an array, so a
 * PATCH carries the whole list, built from the resource just read, with that read's fingerprint.
 */
public final class BackendServiceLoadBalancer implements LoadBalancer {
  private final BackendServicesClient client;
  private final Topology topology;
  private final Duration operationTimeout;
  private BackendService lastRead;

  public BackendServiceLoadBalancer(
      BackendServicesClient client, Topology topology, Duration operationTimeout) {
    if (topology.mode() == Mode.URL_MAP_WEIGHTS) {
      throw new IllegalArgumentException(
          "BackendServiceLoadBalancer does not steer URL map weights");
    }
    this.client = client;
    this.topology = topology;
    this.operationTimeout = operationTimeout;
  }

  @Override
  public synchronized Observed read() {
    BackendService bs;
    try {
      bs = client.get(topology.project(), topology.resource());
    } catch (RuntimeException e) {
      throw ComputeErrors.translate("GET backendServices/" + topology.resource(), e);
    }
    lastRead = bs;
    Map<Region, Setting> settings = new LinkedHashMap<>();
    Map<Region, String> entries = new LinkedHashMap<>();
    for (RegionSpec spec : topology.regions()) {
      Optional<Backend> b = find(bs.getBackendsList(), spec);
      if (topology.mode() == Mode.BACKEND_MEMBERSHIP) {
        settings.put(spec.region(), new Setting.Member(b.isPresent()));
        b.ifPresent(x -> entries.put(spec.region(), print(x)));
      } else {
        Backend x =
            b.orElseThrow(
                () ->
                    new PermanentException(
                        "backend service "
                            + topology.resource()
                            + " has no backend for "
                            + spec.region()
                            + " ("
                            + spec.backend()
                            + ")"));
        settings.put(
            spec.region(), Setting.Scaler.of(x.hasCapacityScaler() ? x.getCapacityScaler() : 1.0));
      }
    }
    try {
      return new Observed(new LbConfig(topology.mode(), settings), bs.getFingerprint(), entries);
    } catch (IllegalArgumentException e) {
      throw new PermanentException(
          "backend service " + topology.resource() + " holds an invalid config: " + e.getMessage(),
          e);
    }
  }

  @Override
  public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
    // no reconcile budget to honour: the longest wait operationWait allows
    return apply(target, fingerprint, parked, operationTimeout.plusSeconds(1));
  }

  /** Waits for the operation at most {@code maxWait}, and never longer than the client polls. */
  @Override
  public synchronized Written apply(
      LbConfig target, String fingerprint, Map<Region, String> parked, Duration maxWait) {
    Duration wait = ComputeClients.operationWait(operationTimeout, maxWait);
    BackendService current = lastRead;
    if (current == null || !current.getFingerprint().equals(fingerprint)) {
      read();
      current = lastRead;
      if (!current.getFingerprint().equals(fingerprint)) {
        throw new StaleFingerprintException(
            "backend service " + topology.resource() + " changed since it was read");
      }
    }
    List<Backend> backends =
        topology.mode() == Mode.BACKEND_MEMBERSHIP
            ? membership(current.getBackendsList(), target, parked)
            : scaled(current.getBackendsList(), target);
    BackendService patch =
        BackendService.newBuilder().setFingerprint(fingerprint).addAllBackends(backends).build();
    try {
      Operation op =
          client
              .patchAsync(topology.project(), topology.resource(), patch)
              .get(wait.toMillis(), TimeUnit.MILLISECONDS);
      lastRead = null;
      return Written.operation(op.getName());
    } catch (Exception e) {
      lastRead = null;
      throw ComputeErrors.translate("PATCH backendServices/" + topology.resource(), e);
    }
  }

  private List<Backend> membership(
      List<Backend> current, LbConfig target, Map<Region, String> parked) {
    List<Backend> out = new ArrayList<>();
    // keep the order of what is there; backends of other groups are left alone
    for (Backend b : current) {
      Optional<RegionSpec> spec = specOf(b);
      if (spec.isEmpty() || target.setting(spec.get().region()).serving()) {
        out.add(b);
      }
    }
    for (RegionSpec spec : topology.regions()) {
      if (target.setting(spec.region()).serving() && find(out, spec).isEmpty()) {
        String entry = parked.get(spec.region());
        out.add(
            entry != null ? parse(entry) : Backend.newBuilder().setGroup(spec.backend()).build());
      }
    }
    return out;
  }

  private List<Backend> scaled(List<Backend> current, LbConfig target) {
    List<Backend> out = new ArrayList<>();
    for (Backend b : current) {
      Optional<RegionSpec> spec = specOf(b);
      if (spec.isPresent()) {
        double scaler = ((Setting.Scaler) target.setting(spec.get().region())).value();
        out.add(b.toBuilder().setCapacityScaler((float) scaler).build());
      } else {
        out.add(b);
      }
    }
    return out;
  }

  private Optional<RegionSpec> specOf(Backend b) {
    return topology.regions().stream()
        .filter(s -> ResourceNames.same(b.getGroup(), s.backend()))
        .findFirst();
  }

  private static Optional<Backend> find(List<Backend> backends, RegionSpec spec) {
    return backends.stream()
        .filter(b -> ResourceNames.same(b.getGroup(), spec.backend()))
        .findFirst();
  }

  static String print(Backend b) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print a backend entry", e);
    }
  }

  static Backend parse(String json) {
    try {
      Backend.Builder b = Backend.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(json, b);
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new PermanentException("a parked backend entry is not valid: " + e.getMessage(), e);
    }
  }
}
