package dev.failover.core.memory;

import dev.failover.core.domain.LbConfig;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A load balancer in this process that keeps the platform's rules: a write must present the current
 * fingerprint (else it fails as HTTP 412 would), every accepted write changes the fingerprint, a
 * write must keep the mode and the regions, and the config itself is valid by construction (weights
 * 0..1000, capacityScaler 0 or 0.1..1.0, never zero serving regions).
 */
public final class InMemoryLoadBalancer implements LoadBalancer {
  private LbConfig config;
  private long generation = 1;
  private final List<LbConfig> writes = new ArrayList<>();
  private final Deque<RuntimeException> faults = new ArrayDeque<>();
  private final Deque<RuntimeException> readFaults = new ArrayDeque<>();
  private int reads;

  public InMemoryLoadBalancer(LbConfig initial) {
    this.config = initial;
  }

  @Override
  public synchronized Observed read() {
    reads++;
    if (!readFaults.isEmpty()) {
      throw readFaults.removeFirst();
    }
    return new Observed(config, fingerprint());
  }

  @Override
  public synchronized Written apply(
      LbConfig target,
      String fingerprint,
      java.util.Map<dev.failover.core.domain.Region, String> parked) {
    if (!faults.isEmpty()) {
      throw faults.removeFirst();
    }
    if (!fingerprint().equals(fingerprint)) {
      throw new StaleFingerprintException(
          "fingerprint " + fingerprint + " is stale; the resource is at " + fingerprint());
    }
    if (target.mode() != config.mode()) {
      throw new PermanentException("cannot change the mode from " + config.mode());
    }
    if (!target.settings().keySet().equals(config.settings().keySet())) {
      throw new PermanentException("a write must name the same regions");
    }
    config = target;
    generation++;
    writes.add(target);
    return Written.fingerprint(fingerprint());
  }

  /** Someone else edits the load balancer (a person, Cloud Run service health). */
  public synchronized void editOutOfBand(LbConfig edited) {
    config = edited;
    generation++;
  }

  /** The next {@code apply} throws {@code fault} instead of writing. */
  public synchronized void failNextApply(RuntimeException fault) {
    faults.addLast(fault);
  }

  /** The next {@code read} throws {@code fault}. */
  public synchronized void failNextRead(RuntimeException fault) {
    readFaults.addLast(fault);
  }

  /** How many times the load balancer was read. */
  public synchronized int reads() {
    return reads;
  }

  public synchronized LbConfig config() {
    return config;
  }

  public synchronized List<LbConfig> writes() {
    return List.copyOf(writes);
  }

  private String fingerprint() {
    return "fp-" + generation;
  }
}
