package dev.failover.core.port;

/** A failure that a later attempt may not meet (throttling, unavailability, a race). */
public class TransientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientException(String message) {
    super(message);
  }

  public TransientException(String message, Throwable cause) {
    super(message, cause);
  }
}
