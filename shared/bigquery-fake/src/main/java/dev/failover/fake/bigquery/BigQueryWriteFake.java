package dev.failover.fake.bigquery;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake of BigQuery's Storage Write API ({@code google.cloud.bigquery.storage.v1.BigQueryWrite})
 * holding one table, for tests that drive the real {@code google-cloud-bigquerystorage} client (its
 * {@code JsonStreamWriter} on the table's default stream) over plaintext gRPC on loopback. The
 * table's schema is read from a BigQuery JSON schema file (the project's {@code
 * schema/audit_record.bigquery.json}), and every row appended is decoded with the writer's own
 * proto descriptor and checked against it, as BigQuery would, before it is kept.
 *
 * <p>What it serves, and the rule each refusal rests on:
 *
 * <ul>
 *   <li>{@code GetWriteStream} of the table's default stream ({@code .../tables/T/_default} or
 *       {@code .../tables/T/streams/_default}, both of which the client sends: {@code
 *       ConnectionWorker.DEFAULT_STREAM_PATTERN}) answers the table schema in the Storage API's
 *       types; any other name is {@code NOT_FOUND}. Every other RPC is {@code UNIMPLEMENTED}.
 *   <li>{@code AppendRows}: the first request of a connection must name the stream and carry the
 *       writer schema; later ones on the same connection may leave both out (the client does:
 *       {@code ConnectionWorker.appendLoop}), so the descriptor is kept per connection. An offset
 *       on the default stream is refused ({@code INVALID_ARGUMENT}: offsets are for application
 *       streams, Write API "default stream" docs). A request over 10 MB is refused (the documented
 *       AppendRows request limit).
 *   <li>The writer schema must fit the table: each proto field names a column (names compared
 *       without case, as BigQuery column names are case-insensitive) with a compatible type (the
 *       Write API's "data type conversions" table; here only the proto types the client writes:
 *       string for STRING, int64 for INT64 and TIMESTAMP, double for DOUBLE, bool for BOOL, a
 *       message for STRUCT) and the same repetition. A misfit closes the connection with {@code
 *       INVALID_ARGUMENT}. Whether BigQuery answers a misfit on the stream or in the response is
 *       not documented: closing the connection is the stricter of the two (the client must build a
 *       new writer).
 *   <li>Each row: a {@code REQUIRED} column (also inside each element of a repeated record) must be
 *       set, and a TIMESTAMP must lie in 0001-01-01..9999-12-31 (BigQuery's range). A request with
 *       a bad row appends nothing and answers {@code INVALID_ARGUMENT} with one {@code RowError}
 *       per bad row ({@code AppendRowsResponse.row_errors}: "If a request failed due to corrupted
 *       rows, no rows in the batch will be appended").
 *   <li>When the client half-closes a connection the fake completes it (without that, the client's
 *       {@code close()} waits three minutes for the server).
 * </ul>
 *
 * <p>Faults, counted when they fire: {@link #failAppends} (the next requests answered with an error
 * status, nothing appended: the writer stays usable), {@link #breakConnections} (the connection
 * closed with an error status: the client reconnects on {@code UNAVAILABLE} and gives up on
 * others), {@link #stallAppends} (requests held unanswered until {@link #release}).
 */
public final class BigQueryWriteFake implements AutoCloseable {
  /** The AppendRows request size limit (Write API quotas: "AppendRows request size: 10 MB"). */
  public static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

  private static final long MIN_TIMESTAMP_MICROS =
      Instant.parse("0001-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
  private static final long MAX_TIMESTAMP_MICROS =
      Instant.parse("9999-12-31T23:59:59.999999Z").getEpochSecond() * 1_000_000L + 999_999L;

  private final String table;
  private final TableSchema schema;
  private final Server server;
  private final List<JsonObject> rows = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final AtomicInteger appendRequests = new AtomicInteger();
  private final AtomicInteger schemaReads = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger faultsFired = new AtomicInteger();
  private int failAppends;
  private Status.Code failCode = Status.Code.UNAVAILABLE;
  private int breakConnections;
  private Status.Code breakCode = Status.Code.UNAVAILABLE;
  private int stallAppends;
  private CountDownLatch stall = new CountDownLatch(0);

  private BigQueryWriteFake(String table, TableSchema schema) throws IOException {
    this.table = table;
    this.schema = schema;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new Service())
            .maxInboundMessageSize(2 * MAX_REQUEST_BYTES)
            .build()
            .start();
  }

  /**
   * Starts a fake holding {@code table} ({@code projects/P/datasets/D/tables/T}) with the columns
   * of the BigQuery JSON schema file {@code schemaFile}.
   */
  public static BigQueryWriteFake start(Path schemaFile, String table) {
    if (!table.matches("projects/[^/]+/datasets/[^/]+/tables/[^/]+")) {
      throw new IllegalArgumentException("table must be projects/P/datasets/D/tables/T: " + table);
    }
    try {
      return new BigQueryWriteFake(table, tableSchema(Files.readString(schemaFile)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 127.0.0.1:PORT}, plaintext. */
  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  public String table() {
    return table;
  }

  /** The rows kept, in the order they were appended, as JSON with the schema's field names. */
  public synchronized List<JsonObject> rows() {
    return rows.stream().map(JsonObject::deepCopy).toList();
  }

  /** The {@code record_id} of every row kept, in order (duplicates included). */
  public synchronized List<String> recordIds() {
    return rows.stream().map(r -> r.get("record_id").getAsString()).toList();
  }

  /** Why each refused request or connection was refused, in order. */
  public synchronized List<String> refusals() {
    return List.copyOf(refusals);
  }

  public int appendRequests() {
    return appendRequests.get();
  }

  public int schemaReads() {
    return schemaReads.get();
  }

  public int connections() {
    return connections.get();
  }

  public int faultsFired() {
    return faultsFired.get();
  }

  /** The next {@code n} AppendRows requests are answered with {@code code}; nothing is appended. */
  public synchronized void failAppends(int n, Status.Code code) {
    this.failAppends = n;
    this.failCode = code;
  }

  /** The next {@code n} AppendRows requests close their connection with {@code code}. */
  public synchronized void breakConnections(int n, Status.Code code) {
    this.breakConnections = n;
    this.breakCode = code;
  }

  /** The next {@code n} AppendRows requests wait, unanswered, until {@link #release}. */
  public synchronized void stallAppends(int n) {
    this.stallAppends = n;
    this.stall = new CountDownLatch(1);
  }

  /** Lets stalled requests go on (they are then appended and answered as usual). */
  public synchronized void release() {
    stallAppends = 0;
    stall.countDown();
  }

  @Override
  public void close() {
    release();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- the service ---

  private boolean isDefaultStream(String name) {
    return name.equals(table + "/_default") || name.equals(table + "/streams/_default");
  }

  private synchronized void refuse(String why) {
    refusals.add(why);
  }

  private final class Service extends BigQueryWriteGrpc.BigQueryWriteImplBase {
    @Override
    public void getWriteStream(GetWriteStreamRequest request, StreamObserver<WriteStream> out) {
      schemaReads.incrementAndGet();
      if (!isDefaultStream(request.getName())) {
        refuse("GetWriteStream of " + request.getName());
        out.onError(
            Status.NOT_FOUND
                .withDescription("Requested entity was not found: " + request.getName())
                .asRuntimeException());
        return;
      }
      out.onNext(
          WriteStream.newBuilder()
              .setName(request.getName())
              .setType(WriteStream.Type.COMMITTED)
              .setTableSchema(schema)
              .setLocation("US")
              .build());
      out.onCompleted();
    }

    @Override
    public StreamObserver<AppendRowsRequest> appendRows(StreamObserver<AppendRowsResponse> out) {
      connections.incrementAndGet();
      return new Connection(out);
    }
  }

  /** One AppendRows connection: the stream and writer schema its first request named. */
  private final class Connection implements StreamObserver<AppendRowsRequest> {
    private final StreamObserver<AppendRowsResponse> out;
    private String stream;
    private Descriptors.Descriptor descriptor;
    private boolean done;

    Connection(StreamObserver<AppendRowsResponse> out) {
      this.out = out;
    }

    @Override
    public void onNext(AppendRowsRequest r) {
      appendRequests.incrementAndGet();
      CountDownLatch wait = null;
      synchronized (BigQueryWriteFake.this) {
        if (stallAppends > 0) {
          stallAppends--;
          faultsFired.incrementAndGet();
          wait = stall;
        }
      }
      if (wait != null) {
        try {
          wait.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      synchronized (this) {
        if (done) {
          return;
        }
        handle(r);
      }
    }

    private void handle(AppendRowsRequest r) {
      synchronized (BigQueryWriteFake.this) {
        if (breakConnections > 0) {
          breakConnections--;
          faultsFired.incrementAndGet();
          refusals.add("connection broken (fault " + breakCode + ")");
          fail(Status.fromCode(breakCode).withDescription("the fake broke the connection"));
          return;
        }
      }
      if (r.getSerializedSize() > MAX_REQUEST_BYTES) {
        fail(
            Status.INVALID_ARGUMENT.withDescription(
                "AppendRows request too large: " + r.getSerializedSize() + " bytes"));
        return;
      }
      if (!r.getWriteStream().isEmpty()) {
        if (!isDefaultStream(r.getWriteStream())) {
          fail(
              Status.NOT_FOUND.withDescription(
                  "Requested entity was not found: " + r.getWriteStream()));
          return;
        }
        stream = r.getWriteStream();
      }
      if (stream == null) {
        fail(Status.INVALID_ARGUMENT.withDescription("the first request must name write_stream"));
        return;
      }
      if (r.hasOffset()) {
        fail(Status.INVALID_ARGUMENT.withDescription("offset is not supported on _default"));
        return;
      }
      if (r.getProtoRows().hasWriterSchema()) {
        try {
          descriptor = descriptorOf(r.getProtoRows().getWriterSchema().getProtoDescriptor());
        } catch (Descriptors.DescriptorValidationException e) {
          fail(Status.INVALID_ARGUMENT.withDescription("invalid writer schema: " + e.getMessage()));
          return;
        }
        Optional<String> misfit = misfit(descriptor, schema.getFieldsList(), "");
        if (misfit.isPresent()) {
          fail(Status.INVALID_ARGUMENT.withDescription(misfit.get()));
          return;
        }
      }
      if (descriptor == null) {
        fail(Status.INVALID_ARGUMENT.withDescription("the first request must carry writer_schema"));
        return;
      }
      synchronized (BigQueryWriteFake.this) {
        if (failAppends > 0) {
          failAppends--;
          faultsFired.incrementAndGet();
          refusals.add("append failed (fault " + failCode + ")");
          out.onNext(
              AppendRowsResponse.newBuilder()
                  .setWriteStream(stream)
                  .setError(
                      com.google.rpc.Status.newBuilder()
                          .setCode(failCode.value())
                          .setMessage("the fake failed the append"))
                  .build());
          return;
        }
      }
      List<JsonObject> decoded = new ArrayList<>();
      List<RowError> errors = new ArrayList<>();
      List<ByteString> serialized = r.getProtoRows().getRows().getSerializedRowsList();
      for (int i = 0; i < serialized.size(); i++) {
        try {
          DynamicMessage m = DynamicMessage.parseFrom(descriptor, serialized.get(i));
          List<String> problems = new ArrayList<>();
          JsonObject row = decode(m, schema.getFieldsList(), "", problems);
          if (problems.isEmpty()) {
            decoded.add(row);
          } else {
            errors.add(rowError(i, String.join("; ", problems)));
          }
        } catch (InvalidProtocolBufferException e) {
          errors.add(rowError(i, "the row is not a message of the writer schema: " + e));
        }
      }
      synchronized (BigQueryWriteFake.this) {
        if (!errors.isEmpty()) {
          errors.forEach(e -> refusals.add("row " + e.getIndex() + ": " + e.getMessage()));
          out.onNext(
              AppendRowsResponse.newBuilder()
                  .setWriteStream(stream)
                  .setError(
                      com.google.rpc.Status.newBuilder()
                          .setCode(Status.Code.INVALID_ARGUMENT.value())
                          .setMessage(errors.size() + " row(s) are invalid"))
                  .addAllRowErrors(errors)
                  .build());
          return;
        }
        rows.addAll(decoded);
      }
      out.onNext(
          AppendRowsResponse.newBuilder()
              .setWriteStream(stream)
              .setAppendResult(AppendRowsResponse.AppendResult.getDefaultInstance())
              .build());
    }

    private void fail(Status status) {
      refuse("connection closed: " + status.getCode() + " " + status.getDescription());
      done = true;
      out.onError(status.asRuntimeException());
    }

    @Override
    public void onError(Throwable t) {
      synchronized (this) {
        done = true;
      }
    }

    @Override
    public synchronized void onCompleted() {
      if (!done) {
        done = true;
        out.onCompleted();
      }
    }
  }

  private static RowError rowError(int index, String message) {
    return RowError.newBuilder()
        .setIndex(index)
        .setCode(RowError.RowErrorCode.FIELDS_ERROR)
        .setMessage(message)
        .build();
  }

  // --- schema and rows ---

  private static Descriptors.Descriptor descriptorOf(DescriptorProto proto)
      throws Descriptors.DescriptorValidationException {
    Descriptors.FileDescriptor file =
        Descriptors.FileDescriptor.buildFrom(
            FileDescriptorProto.newBuilder().setName("writer.proto").addMessageType(proto).build(),
            new Descriptors.FileDescriptor[0]);
    return file.findMessageTypeByName(proto.getName());
  }

  private static Optional<TableFieldSchema> column(List<TableFieldSchema> columns, String name) {
    return columns.stream().filter(c -> c.getName().equalsIgnoreCase(name)).findFirst();
  }

  /** Why the writer's message does not fit the columns, if it does not. */
  private static Optional<String> misfit(
      Descriptors.Descriptor message, List<TableFieldSchema> columns, String path) {
    for (FieldDescriptor f : message.getFields()) {
      Optional<TableFieldSchema> c = column(columns, f.getName());
      if (c.isEmpty()) {
        return Optional.of(
            "Input schema has more fields than BigQuery schema, extra fields: '"
                + path
                + f.getName()
                + "'");
      }
      TableFieldSchema col = c.get();
      boolean repeated = col.getMode() == TableFieldSchema.Mode.REPEATED;
      if (f.isRepeated() != repeated) {
        return Optional.of(
            "field "
                + path
                + f.getName()
                + ": repetition differs from column mode "
                + col.getMode());
      }
      FieldDescriptor.Type want =
          switch (col.getType()) {
            case STRING -> FieldDescriptor.Type.STRING;
            case INT64, TIMESTAMP -> FieldDescriptor.Type.INT64;
            case DOUBLE -> FieldDescriptor.Type.DOUBLE;
            case BOOL -> FieldDescriptor.Type.BOOL;
            case STRUCT -> FieldDescriptor.Type.MESSAGE;
            default -> null;
          };
      if (want == null || f.getType() != want) {
        return Optional.of(
            "field "
                + path
                + f.getName()
                + " has type "
                + f.getType()
                + ", which cannot be written to a "
                + col.getType()
                + " column");
      }
      if (col.getType() == TableFieldSchema.Type.STRUCT) {
        Optional<String> inner =
            misfit(f.getMessageType(), col.getFieldsList(), path + f.getName() + ".");
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The row as JSON with the columns' names; what BigQuery would refuse goes to {@code problems}.
   */
  private static JsonObject decode(
      DynamicMessage m, List<TableFieldSchema> columns, String path, List<String> problems) {
    JsonObject row = new JsonObject();
    for (TableFieldSchema col : columns) {
      FieldDescriptor f =
          m.getDescriptorForType().getFields().stream()
              .filter(x -> x.getName().equalsIgnoreCase(col.getName()))
              .findFirst()
              .orElse(null);
      String name = path + col.getName();
      if (col.getMode() == TableFieldSchema.Mode.REPEATED) {
        JsonArray values = new JsonArray();
        if (f != null) {
          for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
            values.add(value(m.getRepeatedField(f, i), col, name + "[" + i + "]", problems));
          }
        }
        row.add(col.getName(), values);
        continue;
      }
      if (f == null || !m.hasField(f)) {
        if (col.getMode() == TableFieldSchema.Mode.REQUIRED) {
          problems.add("Missing required field: " + name);
        }
        continue;
      }
      row.add(col.getName(), value(m.getField(f), col, name, problems));
    }
    return row;
  }

  private static JsonElement value(
      Object v, TableFieldSchema col, String name, List<String> problems) {
    return switch (col.getType()) {
      case STRUCT -> decode((DynamicMessage) v, col.getFieldsList(), name + ".", problems);
      case TIMESTAMP -> {
        long micros = (Long) v;
        if (micros < MIN_TIMESTAMP_MICROS || micros > MAX_TIMESTAMP_MICROS) {
          problems.add("Timestamp field value is out of range: " + name + " = " + micros);
        }
        yield new com.google.gson.JsonPrimitive(
            Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString());
      }
      case STRING -> new com.google.gson.JsonPrimitive((String) v);
      case INT64 -> new com.google.gson.JsonPrimitive((Long) v);
      case DOUBLE -> new com.google.gson.JsonPrimitive((Double) v);
      case BOOL -> new com.google.gson.JsonPrimitive((Boolean) v);
      default -> {
        problems.add("unsupported column type " + col.getType() + ": " + name);
        yield com.google.gson.JsonNull.INSTANCE;
      }
    };
  }

  /**
   * The Storage API's schema of a BigQuery JSON schema ({@code [{"name", "type", "mode",
   * "fields"}]}), with the legacy type names the JSON schema uses mapped to the Storage API's.
   */
  static TableSchema tableSchema(String json) {
    TableSchema.Builder b = TableSchema.newBuilder();
    for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
      b.addFields(field(e.getAsJsonObject()));
    }
    return b.build();
  }

  private static TableFieldSchema field(JsonObject f) {
    String type = f.get("type").getAsString().toUpperCase(Locale.ROOT);
    TableFieldSchema.Builder b =
        TableFieldSchema.newBuilder()
            .setName(f.get("name").getAsString())
            .setType(
                switch (type) {
                  case "STRING" -> TableFieldSchema.Type.STRING;
                  case "INTEGER", "INT64" -> TableFieldSchema.Type.INT64;
                  case "FLOAT", "FLOAT64" -> TableFieldSchema.Type.DOUBLE;
                  case "BOOLEAN", "BOOL" -> TableFieldSchema.Type.BOOL;
                  case "TIMESTAMP" -> TableFieldSchema.Type.TIMESTAMP;
                  case "RECORD", "STRUCT" -> TableFieldSchema.Type.STRUCT;
                  default -> throw new IllegalArgumentException("unsupported column type " + type);
                })
            .setMode(
                switch (f.has("mode") ? f.get("mode").getAsString() : "NULLABLE") {
                  case "REQUIRED" -> TableFieldSchema.Mode.REQUIRED;
                  case "REPEATED" -> TableFieldSchema.Mode.REPEATED;
                  default -> TableFieldSchema.Mode.NULLABLE;
                });
    if (f.has("fields")) {
      for (JsonElement inner : f.getAsJsonArray("fields")) {
        b.addFields(field(inner.getAsJsonObject()));
      }
    }
    return b.build();
  }

  /** The columns, for tests: name to type and mode. */
  Map<String, String> columns() {
    Map<String, String> out = new java.util.TreeMap<>();
    schema.getFieldsList().forEach(c -> out.put(c.getName(), c.getType() + " " + c.getMode()));
    return out;
  }
}
