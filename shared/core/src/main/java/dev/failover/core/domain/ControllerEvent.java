package dev.failover.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An input that changes the controller's memory. Each carries the id of its delivery (the Pub/Sub
 * message id), so that a redelivery is recognised, and the time the source says it happened.
 */
public sealed interface ControllerEvent
    permits ControllerEvent.IncidentEvent,
        ControllerEvent.BuildEvent,
        ControllerEvent.CommandEvent {

  String eventId();

  Region region();

  /** When the source says this happened (not when it was delivered). */
  Instant at();

  /** The trigger type in audit records: {@code alert}, {@code build} or {@code command}. */
  String type();

  /**
   * True when this event can only make things safer: it can end a drain but never start one (an
   * incident's close, a successful build, a restore or an unpin). Such events are applied whatever
   * their age, so that a drain always has an end even after a long delivery delay; they are still
   * deduplicated and ordered by their own timestamps.
   */
  boolean onlyMakesSafer();

  /** A Cloud Monitoring incident opened or closed. */
  record IncidentEvent(
      String eventId,
      Region region,
      String incidentId,
      String policy,
      Instant startedAt,
      Optional<Instant> endedAt)
      implements ControllerEvent {
    public IncidentEvent {
      Text.requireText(eventId, "event id", 256);
      Objects.requireNonNull(region, "region");
      // validates id, policy and times
      new Incident(incidentId, policy, startedAt, endedAt);
    }

    public boolean opens() {
      return endedAt.isEmpty();
    }

    @Override
    public boolean onlyMakesSafer() {
      return !opens();
    }

    @Override
    public Instant at() {
      return endedAt.orElse(startedAt);
    }

    @Override
    public String type() {
      return "alert";
    }
  }

  /** A Cloud Build status change for a build that deploys to {@code region}. */
  /**
   * A status of a build that deploys to {@code region}.
   *
   * @param timeout the build's own {@code timeout}, when it gave one
   * @param sharedDeploy the build deploys other regions too (a pipeline): it is recorded for each,
   *     and never drains for the deploy
   */
  record BuildEvent(
      String eventId,
      Region region,
      String buildId,
      BuildStatus status,
      Instant at,
      java.util.Optional<java.time.Duration> timeout,
      boolean sharedDeploy)
      implements ControllerEvent {
    public BuildEvent {
      Text.requireText(eventId, "event id", 256);
      Objects.requireNonNull(region, "region");
      new BuildState(buildId, status, at, false, timeout, sharedDeploy, false);
    }

    public BuildEvent(
        String eventId, Region region, String buildId, BuildStatus status, Instant at) {
      this(eventId, region, buildId, status, at, java.util.Optional.empty(), false);
    }

    @Override
    public String type() {
      return "build";
    }

    /** Any ended build: its status can only end a drain for its deploy, never start one. */
    @Override
    public boolean onlyMakesSafer() {
      return status.terminal();
    }
  }

  /**
   * An operator command.
   *
   * @param target the incident id ({@code forget-incident}) or build id ({@code forget-build}) the
   *     command names; empty for every other action
   */
  record CommandEvent(
      String eventId,
      Region region,
      Action action,
      String actor,
      String reason,
      Optional<Duration> ttl,
      boolean breakGlass,
      Instant at,
      Optional<String> target,
      Optional<String> principal)
      implements ControllerEvent {

    public static final Duration MIN_TTL = Duration.ofMinutes(1);

    /** A command whose sender nothing verified (published straight to the commands topic). */
    public CommandEvent(
        String eventId,
        Region region,
        Action action,
        String actor,
        String reason,
        Optional<Duration> ttl,
        boolean breakGlass,
        Instant at,
        Optional<String> target) {
      this(eventId, region, action, actor, reason, ttl, breakGlass, at, target, Optional.empty());
    }

    /** The same command, sent by {@code p} as the command endpoint verified. */
    public CommandEvent withPrincipal(String p) {
      return new CommandEvent(
          eventId, region, action, actor, reason, ttl, breakGlass, at, target, Optional.of(p));
    }

    public static final Duration MAX_TTL = Duration.ofHours(72);

    public enum Action {
      DRAIN("drain"),
      RESTORE("restore"),
      PIN_SERVE("pin-serve"),
      UNPIN("unpin"),
      /** A practice drain that restores itself when its ttl (the drill's duration) ends. */
      DRILL("drill"),
      /** Closes an open incident the controller holds, for when a person knows better. */
      FORGET_INCIDENT("forget-incident"),
      /** Stops a region's newest build from wanting it out, for when a person knows better. */
      FORGET_BUILD("forget-build");

      private final String wire;

      Action(String wire) {
        this.wire = wire;
      }

      public String wire() {
        return wire;
      }

      public boolean needsTtl() {
        return this == DRAIN || this == PIN_SERVE || this == DRILL;
      }

      /** The field naming what a forget command forgets ({@code incident_id}, {@code build_id}). */
      public Optional<String> targetField() {
        return switch (this) {
          case FORGET_INCIDENT -> Optional.of("incident_id");
          case FORGET_BUILD -> Optional.of("build_id");
          default -> Optional.empty();
        };
      }

      /** True for forget-incident and forget-build: they name what they forget. */
      public boolean forgets() {
        return targetField().isPresent();
      }

      /** Every action's wire form, for messages: {@code drain, restore, ...}. */
      public static String wireList() {
        return java.util.Arrays.stream(values())
            .map(Action::wire)
            .collect(java.util.stream.Collectors.joining(", "));
      }

      public static Optional<Action> fromWire(String s) {
        for (Action a : values()) {
          if (a.wire.equals(s)) {
            return Optional.of(a);
          }
        }
        return Optional.empty();
      }
    }

    /** A command that names no incident or build (every action but the two forgets). */
    public CommandEvent(
        String eventId,
        Region region,
        Action action,
        String actor,
        String reason,
        Optional<Duration> ttl,
        boolean breakGlass,
        Instant at) {
      this(eventId, region, action, actor, reason, ttl, breakGlass, at, Optional.empty());
    }

    public CommandEvent {
      Text.requireText(eventId, "event id", 256);
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(action, "action");
      Text.requireText(actor, "requested_by", 256);
      Text.requireText(reason, "reason", Pin.MAX_REASON);
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(at, "issued_at");
      if (action.needsTtl() && ttl.isEmpty()) {
        throw new IllegalArgumentException("ttl is required for " + action.wire());
      }
      if (!action.needsTtl() && ttl.isPresent()) {
        throw new IllegalArgumentException("ttl is only allowed for drain, pin-serve and drill");
      }
      if (ttl.isPresent()
          && (ttl.get().compareTo(MIN_TTL) < 0 || ttl.get().compareTo(MAX_TTL) > 0)) {
        throw new IllegalArgumentException("ttl must be between PT1M and PT72H, got " + ttl.get());
      }
      if (breakGlass && (!action.needsTtl() || action == Action.DRILL)) {
        throw new IllegalArgumentException("break_glass only applies to drain and pin-serve");
      }
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(principal, "principal");
      principal.ifPresent(p -> Text.requireText(p, "principal", 256));
      Optional<String> field = action.targetField();
      if (field.isPresent()) {
        Text.requireText(
            target.orElseThrow(
                () ->
                    new IllegalArgumentException(
                        field.get() + " is required for " + action.wire())),
            field.get(),
            256);
      } else if (target.isPresent()) {
        throw new IllegalArgumentException(
            "incident_id and build_id are only allowed for forget-incident and forget-build");
      }
    }

    @Override
    public String type() {
      return "command";
    }

    /** Restore, unpin and the forgets can end a drain but never start one. */
    @Override
    public boolean onlyMakesSafer() {
      return action == Action.RESTORE || action == Action.UNPIN || action.forgets();
    }
  }
}
