package dev.failover.core.domain;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the controller remembers about one region.
 *
 * @param incidents incidents by id, open and recently closed (closed ones are kept so that a late
 *     "open" notification cannot reopen them)
 * @param build the newest build that deploys to the region
 * @param pin the operator's current pin, if any (it may have expired; see {@link Pin#activeAt})
 * @param state what the controller last decided for the region
 * @param lastCommand the newest operator command recorded for the region, kept after its pin is
 *     gone
 */
public record RegionMemory(
    Map<String, Incident> incidents,
    Optional<BuildState> build,
    Optional<Pin> pin,
    RegionState state,
    Optional<LastCommand> lastCommand) {

  public RegionMemory {
    incidents = java.util.Collections.unmodifiableMap(new TreeMap<>(incidents));
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(pin, "pin");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastCommand, "lastCommand");
  }

  public static RegionMemory empty() {
    return new RegionMemory(
        Map.of(), Optional.empty(), Optional.empty(), RegionState.initial(), Optional.empty());
  }

  public RegionMemory withIncidents(Map<String, Incident> newIncidents) {
    return new RegionMemory(newIncidents, build, pin, state, lastCommand);
  }

  public RegionMemory withBuild(BuildState newBuild) {
    return new RegionMemory(incidents, Optional.of(newBuild), pin, state, lastCommand);
  }

  public RegionMemory withPin(Optional<Pin> newPin) {
    return new RegionMemory(incidents, build, newPin, state, lastCommand);
  }

  public RegionMemory withState(RegionState newState) {
    return new RegionMemory(incidents, build, pin, newState, lastCommand);
  }

  public RegionMemory withLastCommand(LastCommand command) {
    return new RegionMemory(incidents, build, pin, state, Optional.of(command));
  }

  public boolean hasOpenIncident() {
    return incidents.values().stream().anyMatch(Incident::isOpen);
  }
}
