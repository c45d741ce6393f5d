package dev.failover.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The controller's memory of one load balancer, as a state store keeps it: the {@link Situation}
 * the planner decides on, and the controller's own {@link Bookkeeping}.
 *
 * <p>{@link #record} is pure and idempotent: the same delivery twice changes nothing the second
 * time (the ledger knows its id), and a renotification of what is already known changes nothing
 * either (see {@link Situation#record}).
 */
public record ControllerMemory(Situation situation, Bookkeeping books) {

  public ControllerMemory {
    Objects.requireNonNull(situation, "situation");
    Objects.requireNonNull(books, "books");
  }

  public static ControllerMemory empty() {
    return new ControllerMemory(Situation.empty(), Bookkeeping.empty());
  }

  public RegionMemory region(Region region) {
    return situation.region(region);
  }

  public ControllerMemory with(Region region, RegionMemory memory) {
    return new ControllerMemory(situation.with(region, memory), books);
  }

  public ControllerMemory withBooks(UnaryOperator<Bookkeeping> change) {
    return new ControllerMemory(situation, change.apply(books));
  }

  public ControllerMemory withWrites(UnaryOperator<Writes> change) {
    return withBooks(b -> b.withWrites(change.apply(b.writes())));
  }

  public boolean seen(String eventId) {
    return books.ledger().seen(eventId);
  }

  /** True when a reconcile has planned from every change recorded so far. */
  public boolean settled() {
    return books.ledger().settled();
  }

  /** What recording an event did. */
  public record Recorded(ControllerMemory memory, Effect effect, String detail) {
    public Recorded {
      Objects.requireNonNull(memory);
      Objects.requireNonNull(effect);
      Objects.requireNonNull(detail);
    }
  }

  /** Outcome of recording one event. */
  public enum Effect {
    /** The memory changed. */
    CHANGED,
    /** The same delivery was recorded before. */
    DUPLICATE,
    /** The event repeats what is known (a renotification). */
    UNCHANGED,
    /** The event is older than what is known and was not applied. */
    STALE,
    /** The event was not applied, to keep the memory within its bounds. */
    REFUSED
  }

  /** Records {@code event}. Pure: returns the new memory and what happened. */
  public Recorded record(ControllerEvent event) {
    if (seen(event.eventId())) {
      return new Recorded(this, Effect.DUPLICATE, "event " + event.eventId() + " already recorded");
    }
    Situation.Change c = situation.record(event);
    Ledger ledger = books.ledger().recorded(event.eventId(), c.effect() == Effect.CHANGED);
    return new Recorded(
        new ControllerMemory(c.situation(), books.withLedger(ledger)), c.effect(), c.detail());
  }

  /**
   * The memory after {@link Situation#prune}, the pins that expired and the builds whose deploy ran
   * past its deadline.
   */
  public record Pruned(
      ControllerMemory memory,
      Map<Region, Pin> expiredPins,
      Map<Region, BuildState> expiredBuilds) {}

  /**
   * Drops expired pins and incidents that closed more than {@code retention} ago, and ends the
   * deploys that ran past their deadline under {@code policy}.
   */
  public Pruned prune(Instant now, Duration retention, Policy policy) {
    Situation.Pruned p = situation.prune(now, retention, policy);
    return new Pruned(
        new ControllerMemory(p.situation(), books), p.expiredPins(), p.expiredBuilds());
  }
}
