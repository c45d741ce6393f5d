package dev.failover.core.port;

/** The resource changed since it was read (HTTP 412): re-read, re-plan, retry. */
public class StaleFingerprintException extends TransientException {
  private static final long serialVersionUID = 1L;

  public StaleFingerprintException(String message) {
    super(message);
  }

  public StaleFingerprintException(String message, Throwable cause) {
    super(message, cause);
  }
}
