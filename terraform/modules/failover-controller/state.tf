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
  # a dataset that holds tables cannot be deleted: with deletion_protection off, destroy deletes
  # the audit table (and its rows) with it, so that a later apply can create both again
  delete_contents_on_destroy = !var.deletion_protection
}

# Every audit record, as a row of schema/audit_record.bigquery.json: the functions append their
# records here themselves through the BigQuery Storage Write API (default stream), at least once
# (dev.failover.gcp.audit.BigQueryAuditSink); the view below keeps one row per record_id. Not a log
# sink: a sink writes LogEntry-shaped rows (jsonPayload.*, numbers as FLOAT) into a table of its own
# named after the log, and anyone who may write log entries could add rows there.
resource "google_bigquery_table" "audit_records" {
  project             = var.project
  dataset_id          = google_bigquery_dataset.audit.dataset_id
  table_id            = "audit_records"
  description         = "failover audit records as written (at least once); query audit_records_unique."
  schema              = file(local.audit_schema)
  deletion_protection = var.deletion_protection

  time_partitioning {
    type  = "DAY"
    field = "ts"
  }

  clustering = ["kind"]
}

# what the README's queries read: one row per record_id (a record written twice, after a retry or
# by the outbox, is the same record; the earliest row of each id is kept)
resource "google_bigquery_table" "audit_records_unique" {
  project             = var.project
  dataset_id          = google_bigquery_dataset.audit.dataset_id
  table_id            = "audit_records_unique"
  description         = "failover audit records, one row per record_id."
  deletion_protection = var.deletion_protection

  view {
    use_legacy_sql = false
    query          = <<-SQL
      SELECT * FROM `${var.project}.${google_bigquery_dataset.audit.dataset_id}.${google_bigquery_table.audit_records.table_id}`
      WHERE TRUE
      QUALIFY ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY ts) = 1
    SQL
  }
}

# Appending rows through the Storage Write API needs bigquery.tables.updateData on the table, and
# the JSON writer reads the table's schema first (GetWriteStream: bigquery.tables.get). A role with
# exactly these two, on this table only, for the controller's accounts: nobody else is granted
# writes here, so the rows are the controller's (project-wide roles such as Owner still can).
resource "google_project_iam_custom_role" "audit_writer" {
  project     = var.project
  role_id     = replace("${var.name_prefix}AuditWriter${var.custom_role_suffix}", "-", "")
  title       = "failover: append audit records"
  description = "Append rows to the failover controller's audit table through the Storage Write API."
  permissions = ["bigquery.tables.get", "bigquery.tables.updateData"]
  stage       = "GA"
}

resource "google_bigquery_table_iam_member" "audit_writers" {
  for_each = local.audit_writers

  project    = var.project
  dataset_id = google_bigquery_dataset.audit.dataset_id
  table_id   = google_bigquery_table.audit_records.table_id
  role       = google_project_iam_custom_role.audit_writer.id
  member     = each.value
}

