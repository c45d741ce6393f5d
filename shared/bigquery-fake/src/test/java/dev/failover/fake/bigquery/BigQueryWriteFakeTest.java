package dev.failover.fake.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import com.google.cloud.bigquery.storage.v1.JsonStreamWriter;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.gson.JsonObject;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake as the real client sees it: {@code JsonStreamWriter} on the default stream of a table of
 * the audit schema, and raw {@code AppendRows} requests for what the client never sends (a missing
 * required value, a foreign field, an offset, another stream).
 */
class BigQueryWriteFakeTest {
  static final String TABLE = "projects/demo-project/datasets/failover_audit/tables/audit_records";
  static final Path SCHEMA = Path.of("../../schema/audit_record.bigquery.json");

  BigQueryWriteFake fake;
  ManagedChannel channel;
  BigQueryWriteClient client;

  @BeforeEach
  void start() throws Exception {
    fake = BigQueryWriteFake.start(SCHEMA, TABLE);
    channel = ManagedChannelBuilder.forTarget(fake.endpoint()).usePlaintext().build();
    client =
        BigQueryWriteClient.create(
            BigQueryWriteSettings.newBuilder()
                .setTransportChannelProvider(
                    FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    fake.close();
  }

  /** A row of the audit schema with every required field, as AuditLine writes it. */
  static JSONObject row(String id) {
    return new JSONObject()
        .put("schema_version", 1)
        .put("record_id", id)
        .put("ts", "2026-11-01 12:00:00.250000 UTC")
        .put("kind", "change")
        .put("trigger", new JSONObject().put("type", "alert").put("event_id", "e1"))
        .put(
            "load_balancer",
            new JSONObject()
                .put("project", "p")
                .put("mode", "URL_MAP_WEIGHTS")
                .put("resource", "um"))
        .put(
            "regions",
            new JSONArray()
                .put(
                    new JSONObject()
                        .put("region", "us-central1")
                        .put("before", "100")
                        .put("after", "0")
                        .put("level", 0)
                        .put("action", "drain")
                        .put("reason", "incident")))
        .put("dry_run", false)
        .put("outcome", "applied")
        .put("latency_ms", 12)
        .put("controller_version", "0.1.0")
        .put("message", "drained")
        .put("traffic", new JSONArray().put(new JSONObject().put("region", "eu").put("rps", 2.5)));
  }

  @Test
  void theJsonWriter_appendsRowsOfTheAuditSchema_andTheFakeKeepsThemAsWritten() throws Exception {
    try (JsonStreamWriter w = JsonStreamWriter.newBuilder(TABLE, client).build()) {
      w.append(new JSONArray().put(row("a")).put(row("b"))).get(5, TimeUnit.SECONDS);
      w.append(new JSONArray().put(row("c"))).get(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of("a", "b", "c"), fake.recordIds());
    JsonObject a = fake.rows().get(0);
    assertEquals("2026-11-01T12:00:00.250Z", a.get("ts").getAsString(), "TIMESTAMP micros");
    assertEquals(0, a.getAsJsonArray("regions").get(0).getAsJsonObject().get("level").getAsLong());
    assertEquals(
        2.5, a.getAsJsonArray("traffic").get(0).getAsJsonObject().get("rps").getAsDouble());
    assertEquals("alert", a.getAsJsonObject("trigger").get("type").getAsString());
    assertEquals(1, fake.schemaReads(), "the writer read the schema once");
    assertEquals(1, fake.connections(), "both appends on one connection");
    assertEquals(List.of(), fake.refusals());
  }

  @Test
  void aRowWithoutARequiredField_isRefusedByTheClient_beforeTheFakeSeesIt() throws Exception {
    JSONObject bad = row("x");
    bad.remove("message");
    try (JsonStreamWriter w = JsonStreamWriter.newBuilder(TABLE, client).build()) {
      Exceptions.AppendSerializationError e =
          assertThrows(
              Exceptions.AppendSerializationError.class,
              () -> w.append(new JSONArray().put(row("ok")).put(bad)));
      assertEquals(List.of(1), new ArrayList<>(e.getRowIndexToErrorMessage().keySet()));
    }
    assertEquals(0, fake.appendRequests());
    assertEquals(List.of(), fake.recordIds());
  }

  /** A writer schema of two STRING fields, record_id and the given extra one. */
  static ProtoSchema schemaWith(String extraField, FieldDescriptorProto.Type type) {
    DescriptorProto.Builder d = DescriptorProto.newBuilder().setName("root");
    d.addField(
        FieldDescriptorProto.newBuilder()
            .setName("record_id")
            .setNumber(1)
            .setType(FieldDescriptorProto.Type.TYPE_STRING)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
    d.addField(
        FieldDescriptorProto.newBuilder()
            .setName(extraField)
            .setNumber(2)
            .setType(type)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
    return ProtoSchema.newBuilder().setProtoDescriptor(d).build();
  }

  /** Sends one raw request and returns the answer, or the status that closed the connection. */
  Object raw(AppendRowsRequest request) throws Exception {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    var call =
        client
            .appendRowsCallable()
            .splitCall(
                new com.google.api.gax.rpc.ResponseObserver<AppendRowsResponse>() {
                  @Override
                  public void onStart(com.google.api.gax.rpc.StreamController c) {}

                  @Override
                  public void onResponse(AppendRowsResponse r) {
                    answers.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answers.add(Status.fromThrowable(t).getCode());
                  }

                  @Override
                  public void onComplete() {}
                });
    call.send(request);
    Object answer = answers.poll(5, TimeUnit.SECONDS);
    call.closeSend();
    return answer;
  }

  static AppendRowsRequest.Builder request(ProtoSchema schema, com.google.protobuf.ByteString row) {
    return AppendRowsRequest.newBuilder()
        .setWriteStream(TABLE + "/streams/_default")
        .setProtoRows(
            AppendRowsRequest.ProtoData.newBuilder()
                .setWriterSchema(schema)
                .setRows(ProtoRows.newBuilder().addSerializedRows(row)));
  }

  @Test
  void aRowMissingRequiredValues_isARowError_andNothingIsAppended() throws Exception {
    // record_id set, every other required column missing: BigQuery refuses the row itself
    ProtoSchema schema = schemaWith("kind", FieldDescriptorProto.Type.TYPE_STRING);
    com.google.protobuf.Descriptors.Descriptor root =
        com.google.protobuf.Descriptors.FileDescriptor.buildFrom(
                com.google.protobuf.DescriptorProtos.FileDescriptorProto.newBuilder()
                    .setName("r.proto")
                    .addMessageType(schema.getProtoDescriptor())
                    .build(),
                new com.google.protobuf.Descriptors.FileDescriptor[0])
            .findMessageTypeByName("root");
    com.google.protobuf.DynamicMessage m =
        com.google.protobuf.DynamicMessage.newBuilder(root)
            .setField(root.findFieldByName("record_id"), "r1")
            .build();
    Object answer = raw(request(schema, m.toByteString()).build());
    AppendRowsResponse r = assertInstanceOf(AppendRowsResponse.class, answer);
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.getError().getCode());
    assertEquals(1, r.getRowErrorsCount());
    assertTrue(
        r.getRowErrors(0).getMessage().contains("Missing required field: schema_version"),
        r.getRowErrors(0).getMessage());
    assertEquals(List.of(), fake.recordIds());
  }

  @Test
  void aWriterSchemaWithAFieldTheTableLacks_closesTheConnection() throws Exception {
    Object answer =
        raw(
            request(
                    schemaWith("colour", FieldDescriptorProto.Type.TYPE_STRING),
                    com.google.protobuf.ByteString.EMPTY)
                .build());
    assertEquals(Status.Code.INVALID_ARGUMENT, answer);
    assertTrue(
        fake.refusals().get(0).contains("extra fields: 'colour'"), fake.refusals().toString());
  }

  @Test
  void aFieldOfTheWrongType_closesTheConnection() throws Exception {
    Object answer =
        raw(
            request(
                    schemaWith("latency_ms", FieldDescriptorProto.Type.TYPE_STRING),
                    com.google.protobuf.ByteString.EMPTY)
                .build());
    assertEquals(Status.Code.INVALID_ARGUMENT, answer);
    assertTrue(fake.refusals().get(0).contains("latency_ms"), fake.refusals().toString());
  }

  @Test
  void anOffsetOnTheDefaultStream_isRefused() throws Exception {
    Object answer =
        raw(
            request(
                    schemaWith("kind", FieldDescriptorProto.Type.TYPE_STRING),
                    com.google.protobuf.ByteString.EMPTY)
                .setOffset(Int64Value.of(0))
                .build());
    assertEquals(Status.Code.INVALID_ARGUMENT, answer);
  }

  @Test
  void anotherTable_isNotFound() {
    assertThrows(
        NotFoundException.class,
        () ->
            JsonStreamWriter.newBuilder(
                    "projects/demo-project/datasets/failover_audit/tables/other", client)
                .build());
  }

  @Test
  void failedAppends_appendNothing_andTheWriterStaysUsable() throws Exception {
    fake.failAppends(1, Status.Code.UNAVAILABLE);
    try (JsonStreamWriter w = JsonStreamWriter.newBuilder(TABLE, client).build()) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> w.append(new JSONArray().put(row("a"))).get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause().toString().contains("UNAVAILABLE"), e.getCause().toString());
      w.append(new JSONArray().put(row("b"))).get(5, TimeUnit.SECONDS);
    }
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of("b"), fake.recordIds());
  }

  @Test
  void aConnectionBrokenWithPermissionDenied_closesTheWriter() throws Exception {
    fake.breakConnections(1, Status.Code.PERMISSION_DENIED);
    JsonStreamWriter w = JsonStreamWriter.newBuilder(TABLE, client).build();
    assertThrows(
        ExecutionException.class,
        () -> w.append(new JSONArray().put(row("a"))).get(5, TimeUnit.SECONDS));
    assertTrue(w.isClosed(), "the client gives up on the writer");
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of(), fake.recordIds());
    w.close();
  }

  @Test
  void stalledAppends_waitForRelease() throws Exception {
    fake.stallAppends(1);
    try (JsonStreamWriter w = JsonStreamWriter.newBuilder(TABLE, client).build()) {
      var answer = w.append(new JSONArray().put(row("a")));
      assertThrows(
          java.util.concurrent.TimeoutException.class,
          () -> answer.get(300, TimeUnit.MILLISECONDS));
      fake.release();
      answer.get(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of("a"), fake.recordIds());
    assertEquals(
        Instant.parse("2026-11-01T12:00:00.250Z").toString(),
        fake.rows().get(0).get("ts").getAsString());
  }
}
