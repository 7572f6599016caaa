-- Dispatch's baseline: cases, their append-only hash-chained history, alert links, evidence, complainants,
-- deadline timers and Open311 partner keys. Case events go through the shared outbox (0002_outbox).
-- A shipped migration is never edited: the next change is the next file.
CREATE TABLE cases (
  id text PRIMARY KEY,
  status text NOT NULL,
  source text NOT NULL,
  priority text NOT NULL,
  case_type text NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  lon double precision,
  lat double precision,
  address text,
  cell_id text,
  township_code text,
  assignee_officer_id text,
  assignment_reason text,
  escalation_level int NOT NULL DEFAULT 0,
  supervisor_officer_id text,
  enterprise_uscc text,
  device_mn text,
  factor_code text,
  service_code text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  version int NOT NULL,
  step text,
  step_started_at timestamptz,
  step_deadline timestamptz,
  suspended_from text,
  suspended_at timestamptz,
  suspended_until timestamptz,
  merged_into text
);
-- One open alert case per device and factor: a burst or a redelivery joins it instead of opening another.
CREATE UNIQUE INDEX cases_open_alert_key ON cases (device_mn, factor_code) WHERE source = 'alert' AND status NOT IN ('closed', 'merged');
CREATE INDEX cases_created ON cases (created_at DESC, id DESC);
CREATE INDEX cases_assignee ON cases (assignee_officer_id, created_at DESC);
CREATE INDEX cases_township ON cases (township_code, created_at DESC);
CREATE INDEX cases_step_deadline ON cases (step_deadline) WHERE step_deadline IS NOT NULL;

CREATE TABLE case_history (
  case_id text NOT NULL REFERENCES cases (id),
  sequence int NOT NULL,
  action text NOT NULL,
  actor text NOT NULL,
  occurred_at timestamptz NOT NULL,
  from_status text,
  to_status text NOT NULL,
  details jsonb NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (case_id, sequence)
);
CREATE INDEX case_history_occurred ON case_history (occurred_at);

-- The history is append-only: updates, deletes and truncation are refused by the database itself.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_history is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

CREATE TABLE case_alerts (
  alert_id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  severity text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_alerts_case ON case_alerts (case_id);

CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE case_counters (
  day text PRIMARY KEY,
  last int NOT NULL
);

CREATE TABLE evidence (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  kind text NOT NULL,
  file_name text,
  media_type text,
  size_bytes int,
  sha256 text,
  content bytea,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL,
  taken_lon double precision,
  taken_lat double precision,
  taken_time timestamptz,
  reference_id text
);
CREATE INDEX evidence_case ON evidence (case_id, added_at);

-- Complainants' contacts, apart from the case and its history so they can be erased when the law asks.
CREATE TABLE complainants (
  case_id text PRIMARY KEY REFERENCES cases (id),
  contact jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE timers (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases (id),
  kind text NOT NULL,
  step text,
  due_at timestamptz NOT NULL
);
CREATE INDEX timers_due ON timers (due_at);
CREATE INDEX timers_case ON timers (case_id);

CREATE TABLE open311_api_keys (
  key_sha256 text PRIMARY KEY,
  partner text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
