package dev.failover.gcp.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Bookkeeping;
import dev.failover.core.domain.BuildState;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.LastCommand;
import dev.failover.core.domain.Ledger;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Situation;
import dev.failover.core.domain.Watch;
import dev.failover.core.domain.Writes;
import dev.failover.core.port.PermanentException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's memory as JSON, for the state stores. Versioned ({@code "v": 1}); decoding
 * validates through the domain constructors, so a corrupted document fails loudly instead of
 * steering traffic.
 */
public final class MemoryJson {
  public static final int VERSION = 1;

  private MemoryJson() {}

  /**
   * The largest stored memory: well below Firestore's 1 MiB document limit (past which every write
   * fails for good), so that a store refuses clearly first.
   */
  public static final int MAX_BYTES = 900 * 1024;

  /**
   * The memory as JSON for a store, refused with a {@link PermanentException} that says why when it
   * passes {@link #MAX_BYTES} in UTF-8.
   */
  public static String encodeForStore(ControllerMemory m) {
    String json = encode(m);
    int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new PermanentException(
          "the controller memory would be "
              + bytes
              + " bytes, more than the "
              + MAX_BYTES
              + " a store keeps (Firestore's document limit is 1 MiB); nothing was written");
    }
    return json;
  }

  public static String encode(ControllerMemory m) {
    JsonObject o = new JsonObject();
    o.addProperty("v", VERSION);
    JsonObject regions = new JsonObject();
    m.situation().regions().forEach((r, rm) -> regions.add(r.name(), region(rm)));
    o.add("regions", regions);
    JsonArray ids = new JsonArray();
    m.books().ledger().recentEventIds().forEach(ids::add);
    o.add("recent_event_ids", ids);
    JsonObject notices = new JsonObject();
    m.books().notices().forEach(notices::addProperty);
    o.add("notices", notices);
    JsonObject parked = new JsonObject();
    m.books().writes().parkedBackends().forEach((r, e) -> parked.addProperty(r.name(), e));
    o.add("parked_backends", parked);
    JsonArray pendingArray = new JsonArray();
    m.books().writes().pending().forEach(w -> pendingArray.add(write(w)));
    o.add("pending_writes", pendingArray);
    JsonArray recent = new JsonArray();
    m.books().writes().recent().forEach(w -> recent.add(write(w)));
    o.add("recent_writes", recent);
    o.addProperty("changes", m.books().ledger().changes());
    o.addProperty("reconciled", m.books().ledger().reconciled());
    JsonArray watches = new JsonArray();
    for (Watch w : m.books().watches()) {
      JsonObject j = new JsonObject();
      j.addProperty("region", w.region().name());
      j.addProperty("direction", w.direction().name());
      j.addProperty("written_at", w.writtenAt().toString());
      j.addProperty("event_id", w.eventId());
      j.addProperty("write", w.write());
      watches.add(j);
    }
    o.add("watches", watches);
    return o.toString();
  }

  private static JsonObject region(RegionMemory rm) {
    JsonObject o = new JsonObject();
    JsonArray incidents = new JsonArray();
    for (Incident i : rm.incidents().values()) {
      JsonObject j = new JsonObject();
      j.addProperty("id", i.id());
      j.addProperty("policy", i.policy());
      j.addProperty("started_at", i.startedAt().toString());
      i.endedAt().ifPresent(t -> j.addProperty("ended_at", t.toString()));
      incidents.add(j);
    }
    o.add("incidents", incidents);
    rm.build()
        .ifPresent(
            b -> {
              JsonObject j = new JsonObject();
              j.addProperty("build_id", b.buildId());
              j.addProperty("status", b.status().name());
              j.addProperty("at", b.at().toString());
              if (b.forgotten()) {
                j.addProperty("forgotten", true);
              }
              b.timeout().ifPresent(t -> j.addProperty("timeout", t.toString()));
              if (b.sharedDeploy()) {
                j.addProperty("shared_deploy", true);
              }
              if (b.expired()) {
                j.addProperty("expired", true);
              }
              o.add("build", j);
            });
    rm.pin()
        .ifPresent(
            p -> {
              JsonObject j = new JsonObject();
              j.addProperty("command_id", p.commandId());
              j.addProperty("kind", p.kind().name());
              j.addProperty("actor", p.actor());
              j.addProperty("reason", p.reason());
              j.addProperty("created_at", p.createdAt().toString());
              j.addProperty("expires_at", p.expiresAt().toString());
              j.addProperty("break_glass", p.breakGlass());
              p.principal().ifPresent(x -> j.addProperty("principal", x));
              o.add("pin", j);
            });
    rm.lastCommand()
        .ifPresent(
            c -> {
              JsonObject j = new JsonObject();
              j.addProperty("command_id", c.commandId());
              j.addProperty("action", c.action());
              j.addProperty("actor", c.actor());
              j.addProperty("at", c.at().toString());
              o.add("last_command", j);
            });
    RegionState s = rm.state();
    JsonObject st = new JsonObject();
    st.addProperty("phase", s.phase().name());
    st.addProperty("level", s.level());
    st.addProperty("ramp_step", s.rampStep());
    st.addProperty("since", s.since().toString());
    st.addProperty("flap_count", s.flapCount());
    s.lastRestoreAt().ifPresent(t -> st.addProperty("last_restore_at", t.toString()));
    o.add("state", st);
    return o;
  }

  public static ControllerMemory decode(String text) {
    Strict o = Strict.parse(text, "the stored controller memory");
    int v = o.integer("v");
    if (v != VERSION) {
      throw new Strict.InvalidJsonException(
          "the stored controller memory has version " + v + "; this controller reads " + VERSION);
    }
    Map<Region, RegionMemory> regions = new HashMap<>();
    Strict rs = o.object("regions");
    for (String name : rs.raw().keySet()) {
      Region r = Region.of(name);
      regions.put(r, decodeRegion(rs.object(name)));
    }
    List<String> ids = new ArrayList<>();
    for (JsonElement e : o.array("recent_event_ids")) {
      ids.add(e.getAsString());
    }
    Map<String, String> notices = new HashMap<>();
    o.optObject("notices")
        .ifPresent(
            n ->
                n.raw()
                    .entrySet()
                    .forEach(e -> notices.put(e.getKey(), e.getValue().getAsString())));
    Map<Region, String> parked = new HashMap<>();
    o.optObject("parked_backends")
        .ifPresent(
            p ->
                p.raw()
                    .entrySet()
                    .forEach(e -> parked.put(Region.of(e.getKey()), e.getValue().getAsString())));
    List<PendingWrite> pending = new ArrayList<>();
    for (Strict w : o.objects("pending_writes")) {
      pending.add(write(w));
    }
    List<PendingWrite> recent = new ArrayList<>();
    for (Strict w : o.objects("recent_writes")) {
      recent.add(write(w));
    }
    List<Watch> watches = new ArrayList<>();
    for (Strict w : o.objects("watches")) {
      watches.add(
          new Watch(
              Region.of(w.string("region")),
              Watch.Direction.valueOf(w.string("direction")),
              Instant.parse(w.string("written_at")),
              w.string("event_id"),
              w.string("write")));
    }
    long changes = o.optLong("changes").orElse(0L);
    long reconciled = o.optLong("reconciled").orElse(0L);
    o.noOtherFields();
    return new ControllerMemory(
        new Situation(regions),
        new Bookkeeping(
            new Ledger(ids, changes, reconciled),
            new Writes(pending, recent, parked),
            notices,
            watches));
  }

  private static RegionMemory decodeRegion(Strict o) {
    Map<String, Incident> incidents = new HashMap<>();
    for (Strict i : o.objects("incidents")) {
      Incident inc =
          new Incident(
              i.string("id"),
              i.string("policy"),
              Instant.parse(i.string("started_at")),
              i.optString("ended_at").map(Instant::parse));
      incidents.put(inc.id(), inc);
    }
    Optional<BuildState> build =
        o.optObject("build")
            .map(
                b ->
                    new BuildState(
                        b.string("build_id"),
                        BuildStatus.valueOf(b.string("status")),
                        Instant.parse(b.string("at")),
                        b.optBool("forgotten").orElse(false),
                        b.optDuration("timeout"),
                        b.optBool("shared_deploy").orElse(false),
                        b.optBool("expired").orElse(false)));
    Optional<Pin> pin =
        o.optObject("pin")
            .map(
                p ->
                    new Pin(
                        p.string("command_id"),
                        Pin.Kind.valueOf(p.string("kind")),
                        p.string("actor"),
                        p.string("reason"),
                        Instant.parse(p.string("created_at")),
                        Instant.parse(p.string("expires_at")),
                        p.optBool("break_glass").orElse(false),
                        p.optString("principal")));
    Strict s = o.object("state");
    RegionState state =
        new RegionState(
            RegionState.Phase.valueOf(s.string("phase")),
            s.integer("level"),
            s.integer("ramp_step"),
            Instant.parse(s.string("since")),
            s.integer("flap_count"),
            s.optString("last_restore_at").map(Instant::parse));
    Optional<LastCommand> last =
        o.optObject("last_command")
            .map(
                c ->
                    new LastCommand(
                        c.string("command_id"),
                        c.string("action"),
                        c.string("actor"),
                        Instant.parse(c.string("at"))));
    return new RegionMemory(incidents, build, pin, state, last);
  }

  private static JsonObject write(PendingWrite w) {
    JsonObject j = new JsonObject();
    j.addProperty("event_id", w.eventId());
    j.addProperty("step", w.step());
    JsonObject target = new JsonObject();
    w.target().forEach((r, v) -> target.addProperty(r.name(), v));
    j.add("target", target);
    j.addProperty("fingerprint_before", w.fingerprintBefore());
    j.addProperty("at", w.at().toString());
    j.addProperty("writer", w.writer());
    return j;
  }

  private static PendingWrite write(Strict w) {
    Map<Region, String> target = new HashMap<>();
    w.object("target")
        .raw()
        .entrySet()
        .forEach(e -> target.put(Region.of(e.getKey()), e.getValue().getAsString()));
    return new PendingWrite(
        w.string("event_id"),
        w.string("step"),
        target,
        w.string("fingerprint_before"),
        Instant.parse(w.string("at")),
        w.optString("writer").orElse(""));
  }
}
