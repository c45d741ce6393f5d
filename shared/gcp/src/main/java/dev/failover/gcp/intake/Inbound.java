package dev.failover.gcp.intake;

import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a parser made of one message: an event for the controller, or a reason to refuse it. */
public sealed interface Inbound permits Inbound.Accepted, Inbound.Ignored, Inbound.Rejected {

  Trigger trigger();

  /**
   * Valid events that concern this controller: one, or one per region for a build that deploys
   * several.
   */
  record Accepted(List<ControllerEvent> events, Trigger trigger) implements Inbound {
    public Accepted {
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("an accepted message carries at least one event");
      }
      Objects.requireNonNull(trigger);
    }

    public Accepted(ControllerEvent event, Trigger trigger) {
      this(List.of(event), trigger);
    }

    /** The first (usually the only) event. */
    public ControllerEvent event() {
      return events.get(0);
    }
  }

  /**
   * Well-formed, but not for this controller (another service, no known region, too old, a test
   * notification); {@code rule} names the case where the review should be able to count it.
   */
  record Ignored(String reason, Trigger trigger, Optional<String> rule) implements Inbound {
    public Ignored {
      Objects.requireNonNull(reason);
      Objects.requireNonNull(trigger);
      Objects.requireNonNull(rule);
    }

    public Ignored(String reason, Trigger trigger) {
      this(reason, trigger, Optional.empty());
    }
  }

  /**
   * Malformed or invalid: redelivery cannot fix it. {@code rule} names a refusal the review should
   * be able to count apart, such as {@value OperatorCommands#WRONG_DOOR}.
   */
  record Rejected(String reason, Trigger trigger, Optional<String> rule) implements Inbound {
    public Rejected {
      Objects.requireNonNull(reason);
      Objects.requireNonNull(trigger);
      Objects.requireNonNull(rule);
    }

    public Rejected(String reason, Trigger trigger) {
      this(reason, trigger, Optional.empty());
    }
  }
}
