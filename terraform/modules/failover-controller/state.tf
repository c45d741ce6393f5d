resource "google_firestore_database" "state" {
  project     = var.project
  name        = var.firestore_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"
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
  project                = var.project
  name                   = "${var.name_prefix}-audit-to-bigquery"
  destination            = "bigquery.googleapis.com/projects/${var.project}/datasets/${google_bigquery_dataset.audit.dataset_id}"
  filter                 = "labels.failover_record=\"audit\""
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
