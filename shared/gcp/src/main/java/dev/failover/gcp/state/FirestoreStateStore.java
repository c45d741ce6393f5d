package dev.failover.gcp.state;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.UpdateBuilder;
import com.google.cloud.firestore.WriteBatch;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.port.Backoff;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.port.TransientException;
import dev.failover.gcp.json.MemoryJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The controller's memory in Firestore: one document per load balancer ({@code
 * failover_controllers/{key}}: the memory as versioned JSON, a revision counter, the update time),
 * and a ledger of processed events ({@code failover_ledger/{key}__{hash of event id}}) whose {@code
 * expire_at} field is meant for a Firestore TTL policy.
 *
 * <p>Every change is a compare-and-set: read the document, compute the change (a pure function),
 * then commit an atomic batch that updates the memory only if its {@code updateTime} is still the
 * one read ({@code create} if it did not exist), and, when recording an event, creates its ledger
 * entry (which fails if the event was recorded already). A conflicting writer makes the commit
 * fail; the loop reads again and recomputes. No locks are held, so concurrent function instances
 * cannot deadlock; a redelivery long after the memory's window of recent ids is still recognised.
 *
 * <p>Recording an event commits, in one batch, its ledger entry and the memory after it and after
 * what the controller does in the same commit (the reconcile of a change that writes nothing to the
 * load balancer): one commit per event in that case. An event that changes nothing (a duplicate, a
 * stale or refused event, a renotification) is committed as its ledger entry alone, without a
 * precondition on the memory, which every delivery of a storm would otherwise contend for. Its
 * verdict may come from a read that another writer has overtaken before the commit; the history is
 * still serializable, in the order "this event, then the other writer": the verdict read only the
 * memory and wrote only its own ledger entry, which no other writer reads (a concurrent delivery of
 * the same event fails to create the same entry and retries as a duplicate). A read-write
 * transaction would add read locks for no stronger result; a first try of one ({@code
 * runTransaction} with {@code getAll} and {@code create}) timed out after 30 s against the emulator
 * even with a single writer, and was not pursued.
 *
 * <p>Every Firestore failure surfaces as {@link TransientException}: Pub/Sub redelivers.
 */
public final class FirestoreStateStore implements StateStore {
  public static final String CONTROLLERS = "failover_controllers";
  public static final String LEDGER = "failover_ledger";

  private final Firestore db;
  private final String key;
  private final Duration ledgerTtl;
  private final Clock clock;
  private final Duration timeout;
  private final Pause pause;

  /** This instance, as the seed of its backoff: racing instances retry at different times. */
  private final String instance = java.util.UUID.randomUUID().toString();

  /** Attempts per change before giving up (Pub/Sub then redelivers). */
  private static final int MAX_ATTEMPTS = 20;

  /** Between conflicting commits: 10 ms, doubled per attempt up to 500 ms, with jitter. */
  static final Backoff BACKOFF = new Backoff(Duration.ofMillis(10), Duration.ofMillis(500));

  public FirestoreStateStore(Firestore db, String key, Duration ledgerTtl, Clock clock) {
    this(db, key, ledgerTtl, clock, Pause.SLEEP);
  }

  public FirestoreStateStore(
      Firestore db, String key, Duration ledgerTtl, Clock clock, Pause pause) {
    this.db = db;
    this.key = safe(key);
    this.ledgerTtl = ledgerTtl;
    this.clock = clock;
    this.timeout = Duration.ofSeconds(30);
    this.pause = pause;
  }

  /**
   * The document key for a load balancer: project and resource, with unsafe characters replaced.
   */
  public static String keyOf(String project, String resource) {
    return safe(project + "__" + resource);
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private DocumentReference doc() {
    return db.collection(CONTROLLERS).document(key);
  }

  private DocumentReference ledgerEntry(String eventId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
      return db.collection(LEDGER).document(key + "__" + HexFormat.of().formatHex(h, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ControllerMemory load() {
    return await(() -> decode(doc().get().get()), "read the controller memory");
  }

  @Override
  public <T> T update(Function<ControllerMemory, Change<T>> change) {
    return casLoop(
        "update the controller memory",
        () -> {
          DocumentSnapshot snap = doc().get().get();
          ControllerMemory before = decode(snap);
          Change<T> c = change.apply(before);
          if (c.next().equals(before)) {
            return Optional.of(c.result());
          }
          WriteBatch batch = db.batch();
          write(batch, snap, c.next());
          return commit(batch) ? Optional.of(c.result()) : Optional.empty();
        });
  }

  @Override
  public <T> Recording<T> record(
      ControllerEvent event, Function<ControllerMemory.Recorded, Change<T>> then) {
    DocumentReference entry = ledgerEntry(event.eventId());
    return casLoop(
        "record event " + event.eventId(),
        () -> {
          DocumentSnapshot snap = doc().get().get();
          ControllerMemory before = decode(snap);
          boolean duplicate = entry.get().get().exists();
          ControllerMemory.Recorded r =
              duplicate
                  ? new ControllerMemory.Recorded(
                      before,
                      ControllerMemory.Effect.DUPLICATE,
                      "event " + event.eventId() + " already recorded (ledger)")
                  : before.record(event);
          Change<T> c = then.apply(r);
          Recording<T> done = new Recording<>(r, c.result());
          // an event that changed nothing is kept in the ledger only (see the class comment),
          // unless what follows it in the same commit changed the memory
          boolean writes =
              r.effect() == ControllerMemory.Effect.CHANGED || !c.next().equals(r.memory());
          if (duplicate && !writes) {
            return Optional.of(done);
          }
          WriteBatch batch = db.batch();
          if (writes) {
            write(batch, snap, c.next());
          }
          if (!duplicate) {
            batch.create(
                entry,
                Map.of(
                    "controller", key,
                    "event_id", event.eventId(),
                    "type", event.type(),
                    "effect", r.effect().name().toLowerCase(java.util.Locale.ROOT),
                    "recorded_at", timestamp(clock.instant()),
                    "expire_at", timestamp(clock.instant().plus(ledgerTtl))));
          }
          return commit(batch) ? Optional.of(done) : Optional.empty();
        });
  }

  /** Compare-and-set loops begun, for benchmarks and tests. */
  private final AtomicLong changes = new AtomicLong();

  /** Attempts made by them: more than {@link #changes} means conflicts were retried. */
  private final AtomicLong attempts = new AtomicLong();

  /** Commits that landed, and commits refused because another writer got there first. */
  private final AtomicLong commits = new AtomicLong();

  private final AtomicLong conflicts = new AtomicLong();

  /** Commits that landed so far (each is one Firestore write RPC). */
  public long commits() {
    return commits.get();
  }

  /** Commits refused so far because another writer had changed the memory or ledger entry. */
  public long conflicts() {
    return conflicts.get();
  }

  /** Attempts beyond the first, over every record and update so far (contention). */
  public long retries() {
    return attempts.get() - changes.get();
  }

  /**
   * Writes the memory only if the document is as it was read: {@code create} when it did not exist,
   * else {@code update} with an {@code updatedAt} precondition.
   */
  private void write(UpdateBuilder<?> batch, DocumentSnapshot snap, ControllerMemory next) {
    if (!snap.exists()) {
      batch.create(
          doc(),
          Map.of(
              "memory",
              MemoryJson.encodeForStore(next),
              "revision",
              1L,
              "updated_at",
              timestamp(clock.instant())));
    } else {
      Long revision = snap.getLong("revision");
      batch.update(
          doc(),
          Map.of(
              "memory", MemoryJson.encodeForStore(next),
              "revision", (revision == null ? 0 : revision) + 1,
              "updated_at", timestamp(clock.instant())),
          Precondition.updatedAt(snap.getUpdateTime()));
    }
  }

  /** Commits; false when another writer got there first (the caller reads again and retries). */
  private boolean commit(WriteBatch batch) throws Exception {
    try {
      batch.commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      commits.incrementAndGet();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException api
          && CONFLICT.contains(api.getStatusCode().getCode())) {
        conflicts.incrementAndGet();
        return false;
      }
      throw e;
    }
  }

  private static final java.util.Set<StatusCode.Code> CONFLICT =
      java.util.Set.of(
          StatusCode.Code.FAILED_PRECONDITION,
          StatusCode.Code.ALREADY_EXISTS,
          StatusCode.Code.ABORTED);

  private interface Attempt<T> {
    Optional<T> run() throws Exception;
  }

  /** Read, compute, conditional commit; again on a conflict, with jittered backoff, bounded. */
  private <T> T casLoop(String what, Attempt<T> attempt) {
    changes.incrementAndGet();
    for (int i = 1; i <= MAX_ATTEMPTS; i++) {
      attempts.incrementAndGet();
      Optional<T> done = await(attempt::run, what);
      if (done.isPresent()) {
        return done.get();
      }
      BACKOFF.await(pause, i, instance);
    }
    throw new TransientException(
        "Firestore: could not " + what + ": " + MAX_ATTEMPTS + " conflicting writers in a row");
  }

  private static ControllerMemory decode(DocumentSnapshot snap) {
    if (!snap.exists()) {
      return ControllerMemory.empty();
    }
    String text = snap.getString("memory");
    return text == null ? ControllerMemory.empty() : MemoryJson.decode(text);
  }

  private static Timestamp timestamp(java.time.Instant t) {
    return Timestamp.ofTimeSecondsAndNanos(t.getEpochSecond(), t.getNano());
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T await(Call<T> call, String what) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("interrupted while trying to " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r && !(cause instanceof ApiException)) {
        // a domain error from inside the transaction (e.g. a corrupted document): not transient
        if (r instanceof IllegalArgumentException) {
          throw r;
        }
      }
      throw new TransientException("Firestore: could not " + what + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new TransientException("Firestore: timed out trying to " + what, e);
    } catch (ApiException e) {
      throw new TransientException("Firestore: could not " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new TransientException("Firestore: could not " + what + ": " + e, e);
    }
  }
}
