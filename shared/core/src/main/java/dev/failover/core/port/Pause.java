package dev.failover.core.port;

import java.time.Duration;

/** Waits between retries; a port so that tests and the simulator need not sleep. */
public interface Pause {
  void pause(Duration duration) throws InterruptedException;

  /** A pause that returns at once. */
  Pause NONE = d -> {};

  /** Waits on this thread. */
  Pause SLEEP = d -> Thread.sleep(d.toMillis());
}
