-- Sudden environmental incidents (突发环境事件), their plans (预案), plan tasks and the hash-chained timeline.
-- Migrations 0010–0019 belong to incidents.

CREATE TABLE incidents (
  incident_id text PRIMARY KEY,
  status text NOT NULL,
  kind text NOT NULL,
  level text NOT NULL,
  title text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  cell_id text NOT NULL,
  township_code text NOT NULL,
  station_mns text[] NOT NULL,
  alert_id text NOT NULL,
  factor_code text NOT NULL,
  summary text NOT NULL,
  drill boolean NOT NULL,
  target_id text NOT NULL,
  radius_m double precision NOT NULL,
  proposed_at timestamptz,
  declared_at timestamptz,
  declared_by text NOT NULL,
  plan_activated_at timestamptz,
  plan_id text NOT NULL,
  plan_version integer NOT NULL,
  closed_at timestamptz,
  recovered_since timestamptz,
  version integer NOT NULL,
  -- The latest impact analysis (zone, affected targets, nearest resources), as the use cases computed it.
  analysis jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_open_stations ON incidents USING gin (station_mns) WHERE status IN ('proposed', 'declared', 'responding');
CREATE INDEX incidents_by_status ON incidents (drill, status, created_at DESC);

-- Every step of an incident, append-only, each row chained to the one before (HMAC with a key kept outside the
-- database). The incident row's lock serialises writers, the primary key refuses a second row at one sequence.
CREATE TABLE incident_timeline (
  incident_id text NOT NULL REFERENCES incidents (incident_id),
  sequence integer NOT NULL,
  step text NOT NULL,
  actor text NOT NULL,
  occurred_at timestamptz NOT NULL,
  details jsonb NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  key_id text NOT NULL,
  PRIMARY KEY (incident_id, sequence)
);

-- Plans are versioned: a change adds a version; activations keep the version they used.
CREATE TABLE plans (
  plan_id text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  trigger_kind text NOT NULL,
  trigger_levels text[] NOT NULL,
  target_id text NOT NULL,
  tasks jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  PRIMARY KEY (plan_id, version)
);

-- The tasks an activation asked dispatch for, by request id, and how far their cases got.
CREATE TABLE incident_tasks (
  request_id text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents (incident_id),
  task_id text NOT NULL,
  case_id text NOT NULL DEFAULT '',
  status text NOT NULL
);
