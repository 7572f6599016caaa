-- The evidence ledger: one hash-chained, append-only chain per enterprise. The source event id (CloudEvents id of
-- an alert or case event, or the id of a manual entry) is unique, so a redelivered event is never recorded twice.
CREATE TABLE ledger (
  uscc text NOT NULL,
  sequence integer NOT NULL,
  kind text NOT NULL,
  source_event_id text NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor text NOT NULL,
  facts jsonb NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (uscc, sequence)
);
-- Re-rating reads an enterprise's records of the current period, not its whole history.
CREATE INDEX ledger_by_enterprise_time ON ledger (uscc, occurred_at);

-- Append-only: the service never updates or deletes a record. Someone who disables this can still rewrite rows, which
-- is what the hash chain is for.
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the credit ledger is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();

-- The row every writer of an enterprise locks first: appends to one chain are serialised, chains of different
-- enterprises are written in parallel.
CREATE TABLE chain_heads (
  uscc text PRIMARY KEY,
  sequence integer NOT NULL DEFAULT 0,
  hash text
);

-- Current (dynamic) ratings: a cache of what the ledger gives, which the rebuild checks.
CREATE TABLE ratings (
  uscc text PRIMARY KEY,
  enterprise_name text NOT NULL,
  period text NOT NULL,
  ruleset_id text NOT NULL,
  ruleset_version text NOT NULL,
  score double precision NOT NULL,
  level text NOT NULL,
  colour text NOT NULL,
  vetoed boolean NOT NULL,
  evidence_count integer NOT NULL,
  ledger_sequence integer NOT NULL,
  rated_at timestamptz NOT NULL,
  change_kind text NOT NULL,
  previous_colour text,
  caused_by_record_id text NOT NULL,
  reason jsonb NOT NULL,
  joint_punishment boolean NOT NULL,
  joint_measures jsonb NOT NULL
);
CREATE INDEX ratings_by_colour ON ratings (colour, uscc);

-- Formal ratings of closed periods: written once by the close, never changed.
CREATE TABLE period_ratings (LIKE ratings INCLUDING ALL);
ALTER TABLE period_ratings DROP CONSTRAINT period_ratings_pkey;
ALTER TABLE period_ratings ADD PRIMARY KEY (period, uscc);

CREATE TABLE closed_periods (
  period text PRIMARY KEY,
  closed_by text NOT NULL,
  closed_at timestamptz NOT NULL
);

CREATE TABLE objections (
  id text PRIMARY KEY,
  uscc text NOT NULL,
  record_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')),
  filed_by text NOT NULL,
  filed_at timestamptz NOT NULL,
  resolved_by text,
  resolved_at timestamptz
);
-- One pending objection per record.
CREATE UNIQUE INDEX objections_one_pending ON objections (record_id) WHERE status = 'pending';

CREATE TABLE restoration_applications (
  id text PRIMARY KEY,
  uscc text NOT NULL,
  rule_id text NOT NULL,
  case_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  applied_by text NOT NULL,
  applied_at timestamptz NOT NULL,
  cancels jsonb NOT NULL,
  reviewed_by text,
  reviewed_at timestamptz
);
