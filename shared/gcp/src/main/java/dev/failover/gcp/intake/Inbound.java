package dev.failover.gcp.intake;

import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import java.util.Objects;

/** What a parser made of one message: an event for the controller, or a reason to refuse it. */
public sealed interface Inbound permits Inbound.Accepted, Inbound.Ignored, Inbound.Rejected {

  Trigger trigger();

  /** A valid event that concerns this controller. */
  record Accepted(ControllerEvent event, Trigger trigger) implements Inbound {
    public Accepted {
      Objects.requireNonNull(event);
      Objects.requireNonNull(trigger);
    }
  }

  /** Well-formed, but not for this controller (another service, no known region, too old). */
  record Ignored(String reason, Trigger trigger) implements Inbound {
    public Ignored {
      Objects.requireNonNull(reason);
      Objects.requireNonNull(trigger);
    }
  }

  /** Malformed or invalid: redelivery cannot fix it. */
  record Rejected(String reason, Trigger trigger) implements Inbound {
    public Rejected {
      Objects.requireNonNull(reason);
      Objects.requireNonNull(trigger);
    }
  }
}
