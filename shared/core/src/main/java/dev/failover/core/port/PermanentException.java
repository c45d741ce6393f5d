package dev.failover.core.port;

/**
 * A failure that repeating the same call will not fix (a rejected write, a missing resource, a
 * permission not granted). It is audited and thrown; Pub/Sub's retries and dead-letter topic bound
 * how often it is tried again.
 */
public class PermanentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermanentException(String message) {
    super(message);
  }

  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
