package dev.failover.fake.compute;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.failover.core.rules.LoadBalancerRules;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of the Compute API's global URL maps, backend services and global operations, served over
 * plain HTTP on 127.0.0.1 for the real {@code google-cloud-compute} client.
 *
 * <p>What it keeps of the platform:
 *
 * <ul>
 *   <li>GET returns the resource with its {@code fingerprint}; PATCH arrives as POST with {@code
 *       X-HTTP-Method-Override: PATCH} (as gax sends it) or as PATCH.
 *   <li>PATCH is a JSON merge patch (RFC 7396): objects merge, arrays are replaced whole, null
 *       removes. It must carry the current fingerprint: a stale one answers 412 {@code
 *       conditionNotMet}, a missing one 400. Every accepted write changes the fingerprint.
 *   <li>The write rules of {@link LoadBalancerRules} (weights 0..1000, capacityScaler 0 or 0.1..1.0
 *       and never 0 for a lone backend, no removal of the last backend, serverless NEG backends
 *       take no balancing mode, maxRate, maxUtilization or capacityScaler), plus: a URL map may not
 *       set both {@code defaultService} and weighted backend services, and a backend service with
 *       serverless NEGs takes no health check. Violations answer 400.
 *   <li>A PATCH returns a global operation, {@code DONE} at once or after some {@code RUNNING}
 *       polls; a failed operation is {@code DONE} with {@code httpErrorStatusCode} and does not
 *       apply its write.
 * </ul>
 *
 * <p>Faults on demand: any status for the next GET, PATCH or operation poll (429, 503, 412...), a
 * race (someone else writes just before the next PATCH), slow responses, failed operations. Every
 * accepted write is logged, so tests can check each has an audit record.
 */
public final class ComputeFake implements AutoCloseable {

  /** Which kind of request a fault applies to. */
  public enum Call {
    GET,
    PATCH,
    OPERATION
  }

  /** One accepted write. */
  public record Write(
      String collection,
      String project,
      String name,
      String fingerprintBefore,
      String fingerprintAfter,
      JsonObject patch,
      JsonObject after,
      Instant at) {}

  private record Fault(int status, String message, Duration delay, String reason) {}

  private record Operation(
      String name, String project, String targetLink, int pollsLeft, Optional<Fault> failure) {}

  private static final Pattern RESOURCE =
      Pattern.compile("/compute/v1/projects/([^/]+)/global/(urlMaps|backendServices)/([^/?]+)");
  private static final Pattern OPERATION =
      Pattern.compile("/compute/v1/projects/([^/]+)/global/operations/([^/?]+)");

  private final HttpServer server;
  private final Map<String, JsonObject> resources = new HashMap<>();
  private final Map<String, Operation> operations = new HashMap<>();
  private final Map<Call, Deque<Fault>> faults = new EnumMap<>(Call.class);
  private final Map<Call, Integer> counts = new EnumMap<>(Call.class);
  private final List<Write> writes = new ArrayList<>();
  private int racesPending;
  private int faultsServed;
  private java.util.concurrent.CountDownLatch heldGets;
  private int getsToHold;
  private int operationPolls;
  private final Deque<Fault> operationFailures = new ArrayDeque<>();
  private long sequence = 1;

  private ComputeFake(HttpServer server) {
    this.server = server;
    for (Call c : Call.values()) {
      faults.put(c, new ArrayDeque<>());
      counts.put(c, 0);
    }
  }

  static {
    // The JDK server writes headers and body separately; with Nagle on, the client's delayed ACK
    // adds ~40 ms to every answer on loopback (measured: GET 47 ms -> 3 ms). Read once, when the
    // JDK's server config class loads, so this must run before the first HttpServer of the JVM.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private volatile Runnable patchArrived = () -> {};

  /**
   * Runs {@code listener} on the server thread as each PATCH request arrives, before it is judged
   * (benchmarks time "event received -> PATCH issued" with it).
   */
  public void onPatchArrival(Runnable listener) {
    this.patchArrived = java.util.Objects.requireNonNull(listener);
  }

  /** Starts the fake on a free port of 127.0.0.1. */
  public static ComputeFake start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ComputeFake fake = new ComputeFake(s);
    s.createContext("/", fake::handle);
    s.setExecutor(Executors.newFixedThreadPool(8));
    s.start();
    return fake;
  }

  /** The endpoint to give the client: {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  // ---- resources -------------------------------------------------------------------------------

  public synchronized void putUrlMap(String project, String name, JsonObject urlMap) {
    put("urlMaps", project, name, urlMap);
  }

  public synchronized void putBackendService(String project, String name, JsonObject service) {
    put("backendServices", project, name, service);
  }

  private void put(String collection, String project, String name, JsonObject body) {
    JsonObject r = body.deepCopy();
    r.addProperty(
        "kind", collection.equals("urlMaps") ? "compute#urlMap" : "compute#backendService");
    r.addProperty("name", name);
    r.addProperty(
        "selfLink",
        "https://www.googleapis.com/compute/v1/projects/"
            + project
            + "/global/"
            + collection
            + "/"
            + name);
    r.addProperty("fingerprint", nextFingerprint());
    resources.put(key(collection, project, name), r);
  }

  public synchronized JsonObject urlMap(String project, String name) {
    return resources.get(key("urlMaps", project, name)).deepCopy();
  }

  public synchronized JsonObject backendService(String project, String name) {
    return resources.get(key("backendServices", project, name)).deepCopy();
  }

  /** Someone else edits a resource (a person in the console, Cloud Run service health). */
  public synchronized void editOutOfBand(
      String collection, String project, String name, JsonObject patch) {
    JsonObject r = resources.get(key(collection, project, name));
    merge(r, patch);
    r.addProperty("fingerprint", nextFingerprint());
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** The next {@code call} answers {@code status} (e.g. 429, 503, 412) instead of being served. */
  public synchronized void failNext(Call call, int status, String message) {
    failNext(call, status, message, reason(status));
  }

  /**
   * The next {@code call} answers {@code status} with this error reason ({@code error.errors[0]
   * .reason}: {@code rateLimitExceeded}, {@code resourceNotReady}, {@code forbidden}, ...).
   */
  public synchronized void failNext(Call call, int status, String message, String reason) {
    faults.get(call).addLast(new Fault(status, message, Duration.ZERO, reason));
  }

  /** The next {@code call} is served after {@code delay}. */
  public synchronized void delayNext(Call call, Duration delay) {
    faults.get(call).addLast(new Fault(0, "", delay, ""));
  }

  /** Just before each of the next {@code n} PATCHes, another writer changes the resource. */
  public synchronized void raceNextPatches(int n) {
    racesPending += n;
  }

  /**
   * The next {@code n} GETs wait for each other and are then served together, so that {@code n}
   * concurrent readers see the same fingerprint (a deterministic race).
   */
  public synchronized void holdGets(int n) {
    heldGets = new java.util.concurrent.CountDownLatch(n);
    getsToHold = n;
  }

  /** Operations stay RUNNING for this many polls before DONE (0: DONE in the PATCH response). */
  public synchronized void operationPolls(int polls) {
    operationPolls = polls;
  }

  /** The next write's operation ends DONE with this HTTP error, and the write is not applied. */
  public synchronized void failNextOperation(int status, String message) {
    operationFailures.addLast(new Fault(status, message, Duration.ZERO, reason(status)));
  }

  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  public synchronized int count(Call call) {
    return counts.get(call);
  }

  /**
   * How many injected faults were served (failed calls, races, failed operations): a fault test
   * asserts that its fault fired.
   */
  public synchronized int faultsServed() {
    return faultsServed;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if ("POST".equals(method) && override != null) {
        method = override;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      Matcher op = OPERATION.matcher(path);
      Matcher res = RESOURCE.matcher(path);
      if (op.matches() && method.equals("GET")) {
        serveFaultOr(ex, Call.OPERATION, () -> poll(op.group(1), op.group(2)));
      } else if (res.matches() && method.equals("GET")) {
        serveFaultOr(ex, Call.GET, () -> get(res.group(2), res.group(1), res.group(3)));
      } else if (res.matches() && method.equals("PATCH")) {
        patchArrived.run();
        String text = new String(body, StandardCharsets.UTF_8);
        serveFaultOr(ex, Call.PATCH, () -> patch(res.group(2), res.group(1), res.group(3), text));
      } else {
        send(ex, error(404, "The resource '" + path + "' was not found", "notFound"));
      }
    } catch (RuntimeException e) {
      send(ex, error(500, "fake failure: " + e, "backendError"));
    } finally {
      ex.close();
    }
  }

  private record Response(int status, String body) {}

  private interface Handler {
    Response serve();
  }

  private void serveFaultOr(HttpExchange ex, Call call, Handler handler) throws IOException {
    Fault f;
    java.util.concurrent.CountDownLatch hold = null;
    synchronized (this) {
      counts.merge(call, 1, Integer::sum);
      f = faults.get(call).pollFirst();
      if (call == Call.GET && getsToHold > 0) {
        getsToHold--;
        hold = heldGets;
      }
    }
    if (hold != null) {
      hold.countDown();
      try {
        hold.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (f != null && !f.delay().isZero()) {
      try {
        Thread.sleep(f.delay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (f != null && f.status() != 0) {
      synchronized (this) {
        faultsServed++;
      }
      send(ex, error(f.status(), f.message(), f.reason()));
      return;
    }
    send(ex, handler.serve());
  }

  private synchronized Response get(String collection, String project, String name) {
    JsonObject r = resources.get(key(collection, project, name));
    if (r == null) {
      return notFound("projects/" + project + "/global/" + collection + "/" + name);
    }
    return new Response(200, r.toString());
  }

  private synchronized Response patch(String collection, String project, String name, String text) {
    String k = key(collection, project, name);
    JsonObject current = resources.get(k);
    if (current == null) {
      return notFound("projects/" + project + "/global/" + collection + "/" + name);
    }
    if (racesPending > 0) {
      racesPending--;
      faultsServed++;
      current.addProperty("fingerprint", nextFingerprint());
    }
    JsonObject patch;
    try {
      patch = JsonParser.parseString(text).getAsJsonObject();
    } catch (RuntimeException e) {
      return error(400, "Invalid JSON payload received.", "parseError");
    }
    JsonElement fp = patch.remove("fingerprint");
    if (fp == null || fp.isJsonNull()) {
      return error(400, "Required field 'resource.fingerprint' not specified", "required");
    }
    if (!fp.getAsString().equals(current.get("fingerprint").getAsString())) {
      return error(412, "Precondition Failed", "conditionNotMet");
    }
    for (String outputOnly : List.of("kind", "id", "selfLink", "creationTimestamp", "name")) {
      patch.remove(outputOnly);
    }
    JsonObject after = current.deepCopy();
    merge(after, patch);
    Optional<String> violation =
        collection.equals("urlMaps") ? urlMapViolation(after) : backendServiceViolation(after);
    if (violation.isPresent()) {
      return error(400, violation.get(), "invalid");
    }
    String opName = "operation-" + System.currentTimeMillis() + "-" + (sequence++);
    String targetLink = current.get("selfLink").getAsString();
    Fault failure = operationFailures.pollFirst();
    if (failure != null) {
      faultsServed++;
    }
    if (failure == null) {
      String before = current.get("fingerprint").getAsString();
      after.addProperty("fingerprint", nextFingerprint());
      resources.put(k, after);
      writes.add(
          new Write(
              collection,
              project,
              name,
              before,
              after.get("fingerprint").getAsString(),
              patch,
              after.deepCopy(),
              Instant.now()));
    }
    Operation op =
        new Operation(opName, project, targetLink, operationPolls, Optional.ofNullable(failure));
    operations.put(project + "/" + opName, op);
    return new Response(200, operationJson(op, op.pollsLeft() == 0).toString());
  }

  private synchronized Response poll(String project, String name) {
    Operation op = operations.get(project + "/" + name);
    if (op == null) {
      return error(
          404,
          "The resource 'projects/" + project + "/global/operations/" + name + "' was not found",
          "notFound");
    }
    Operation next =
        new Operation(
            op.name(),
            op.project(),
            op.targetLink(),
            Math.max(0, op.pollsLeft() - 1),
            op.failure());
    operations.put(project + "/" + name, next);
    return new Response(200, operationJson(next, next.pollsLeft() == 0).toString());
  }

  private static JsonObject operationJson(Operation op, boolean done) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", "compute#operation");
    o.addProperty("id", Long.toString(Math.abs(op.name().hashCode())));
    o.addProperty("name", op.name());
    o.addProperty("operationType", "patch");
    o.addProperty("targetLink", op.targetLink());
    o.addProperty("status", done ? "DONE" : "RUNNING");
    o.addProperty("progress", done ? 100 : 0);
    o.addProperty(
        "selfLink",
        "https://www.googleapis.com/compute/v1/projects/"
            + op.project()
            + "/global/operations/"
            + op.name());
    if (done && op.failure().isPresent()) {
      Fault f = op.failure().get();
      o.addProperty("httpErrorStatusCode", f.status());
      o.addProperty("httpErrorMessage", f.message());
      JsonObject err = new JsonObject();
      JsonArray errors = new JsonArray();
      JsonObject e = new JsonObject();
      e.addProperty("code", reason(f.status()).toUpperCase(java.util.Locale.ROOT));
      e.addProperty("message", f.message());
      errors.add(e);
      err.add("errors", errors);
      o.add("error", err);
    }
    return o;
  }

  // ---- rules -----------------------------------------------------------------------------------

  private static Optional<String> urlMapViolation(JsonObject um) {
    Optional<String> v =
        routeActionViolation(um, "defaultRouteAction", um.get("defaultRouteAction"));
    if (v.isPresent()) {
      return v;
    }
    JsonElement pms = um.get("pathMatchers");
    if (pms != null && pms.isJsonArray()) {
      JsonArray arr = pms.getAsJsonArray();
      for (int i = 0; i < arr.size(); i++) {
        JsonObject pm = arr.get(i).getAsJsonObject();
        String f = "pathMatchers[" + i + "].defaultRouteAction";
        v = routeActionViolation(pm, f, pm.get("defaultRouteAction"));
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> routeActionViolation(
      JsonObject owner, String field, JsonElement action) {
    if (action == null || !action.isJsonObject()) {
      return Optional.empty();
    }
    JsonElement wbs = action.getAsJsonObject().get("weightedBackendServices");
    if (wbs == null || !wbs.isJsonArray()) {
      return Optional.empty();
    }
    if (owner.has("defaultService")) {
      return Optional.of(
          "Invalid value for field 'resource."
              + field.replace("defaultRouteAction", "defaultService")
              + "': only one of defaultService, defaultUrlRedirect or"
              + " defaultRouteAction.weightedBackendServices can be set.");
    }
    List<Integer> weights = new ArrayList<>();
    for (JsonElement e : wbs.getAsJsonArray()) {
      JsonElement w = e.getAsJsonObject().get("weight");
      weights.add(w == null ? 0 : w.getAsInt());
    }
    return LoadBalancerRules.weights("resource." + field + ".weightedBackendServices", weights);
  }

  private static Optional<String> backendServiceViolation(JsonObject bs) {
    List<LoadBalancerRules.Backend> backends = new ArrayList<>();
    JsonElement arr = bs.get("backends");
    if (arr != null && arr.isJsonArray()) {
      for (JsonElement e : arr.getAsJsonArray()) {
        JsonObject b = e.getAsJsonObject();
        backends.add(
            new LoadBalancerRules.Backend(
                b.has("group") ? b.get("group").getAsString() : "",
                b.has("balancingMode")
                    ? Optional.of(b.get("balancingMode").getAsString())
                    : Optional.empty(),
                b.has("capacityScaler")
                    ? Optional.of(b.get("capacityScaler").getAsDouble())
                    : Optional.empty(),
                b.has("maxRate") || b.has("maxRatePerEndpoint"),
                b.has("maxUtilization")));
      }
    }
    Optional<String> v = LoadBalancerRules.backends("resource.backends", backends);
    if (v.isPresent()) {
      return v;
    }
    JsonElement hc = bs.get("healthChecks");
    if (hc != null
        && hc.isJsonArray()
        && hc.getAsJsonArray().size() > 0
        && backends.stream().anyMatch(LoadBalancerRules.Backend::serverless)) {
      return Optional.of("Health checks are not supported for Serverless Network Endpoint Groups.");
    }
    return Optional.empty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * RFC 7396 JSON merge patch: objects merge, null removes, anything else (arrays too) replaces.
   */
  static void merge(JsonObject target, JsonObject patch) {
    for (Map.Entry<String, JsonElement> e : patch.entrySet()) {
      JsonElement v = e.getValue();
      if (v.isJsonNull()) {
        target.remove(e.getKey());
      } else if (v.isJsonObject()
          && target.has(e.getKey())
          && target.get(e.getKey()).isJsonObject()) {
        merge(target.getAsJsonObject(e.getKey()), v.getAsJsonObject());
      } else {
        target.add(e.getKey(), v.deepCopy());
      }
    }
  }

  private static Response notFound(String resource) {
    return error(404, "The resource '" + resource + "' was not found", "notFound");
  }

  private static Response error(int status, String message, String reason) {
    JsonObject e = new JsonObject();
    e.addProperty("domain", "global");
    e.addProperty("reason", reason);
    e.addProperty("message", message);
    if (status == 412) {
      e.addProperty("locationType", "header");
      e.addProperty("location", "If-Match");
    }
    JsonArray errors = new JsonArray();
    errors.add(e);
    JsonObject inner = new JsonObject();
    inner.addProperty("code", status);
    inner.addProperty("message", message);
    inner.add("errors", errors);
    JsonObject root = new JsonObject();
    root.add("error", inner);
    return new Response(status, root.toString());
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "invalid";
      case 404 -> "notFound";
      case 409 -> "alreadyExists";
      case 412 -> "conditionNotMet";
      case 429 -> "rateLimitExceeded";
      case 503 -> "backendError";
      default -> "error";
    };
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String nextFingerprint() {
    long n = sequence++;
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(8).putLong(n * 0x9E3779B97F4A7C15L).array());
  }

  private static String key(String collection, String project, String name) {
    return project + "/" + collection + "/" + name;
  }
}
