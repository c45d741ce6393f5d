resource "google_firestore_database" "state" {
  project     = var.project
  name        = var.firestore_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"
  # the provider's default abandons the database on destroy, and the next apply then fails with 409
  # on the name: with deletion_protection off, destroy deletes it (and the controller's memory)
  deletion_policy = var.deletion_protection ? "ABANDON" : "DELETE"
}

# processed-event ledger entries expire on their own
resource "google_firestore_field" "ledger_ttl" {
  project    = var.project
  database   = google_firestore_database.state.name
  collection = "failover_ledger"
  field      = "expire_at"

  ttl_config {}
}

resource "google_bigquery_dataset" "audit" {
  project    = var.project
  dataset_id = replace("${var.name_prefix}_audit", "-", "_")
  location   = var.bigquery_location
}

# for NDJSON loads (bq load --source_format=NEWLINE_DELIMITED_JSON) of audit files
resource "google_bigquery_table" "audit_records" {
  project             = var.project
  dataset_id          = google_bigquery_dataset.audit.dataset_id
  table_id            = "audit_records"
  schema              = file(local.audit_schema)
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "DAY"
    field = "ts"
  }

  clustering = ["kind"]
}

# the functions' structured audit lines, routed to day-partitioned tables in the same dataset
resource "google_logging_project_sink" "audit" {
  project     = var.project
  name        = "${var.name_prefix}-audit-to-bigquery"
  destination = "bigquery.googleapis.com/projects/${var.project}/datasets/${google_bigquery_dataset.audit.dataset_id}"
  # the label alone would take any workload's line that carries it: only the controller's functions
  # (gen2 functions log as the Cloud Run services of their names, in the controller's region)
  filter                 = "labels.failover_record=\"audit\" AND ${local.function_lines}"
  unique_writer_identity = true

  bigquery_options {
    use_partitioned_tables = true
  }
}

resource "google_bigquery_dataset_iam_member" "sink_writes" {
  project    = var.project
  dataset_id = google_bigquery_dataset.audit.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_logging_project_sink.audit.writer_identity
}
