-- Partners, their keys (SHA-256 only), grants, the shared records and the hash-chained access audit.
CREATE TABLE partners (
  id text PRIMARY KEY,
  name text NOT NULL,
  requests_per_second integer NOT NULL CHECK (requests_per_second > 0),
  rows_per_day integer NOT NULL CHECK (rows_per_day > 0),
  page_cap integer NOT NULL CHECK (page_cap > 0),
  webhook_hosts text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);

CREATE TABLE partner_keys (
  key_id text PRIMARY KEY,
  partner_id text NOT NULL REFERENCES partners (id),
  sha256 text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);

CREATE TABLE grants (
  id text PRIMARY KEY,
  partner_id text NOT NULL REFERENCES partners (id),
  dataset_id text NOT NULL,
  scope jsonb NOT NULL,
  fields text[] NOT NULL,
  window_from timestamptz,
  window_to timestamptz,
  purpose text NOT NULL,
  expires_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_approval', 'active', 'revoked')),
  approved_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- One grant per partner and dataset that is not revoked: what a partner may see is never the union of two.
CREATE UNIQUE INDEX grants_current ON grants (partner_id, dataset_id) WHERE status <> 'revoked';

-- Every record of every dataset, numbered in commit order (writers serialise on an advisory lock), so the number
-- is both the pull cursor and the SSE event id.
CREATE SEQUENCE shared_record_seq;
CREATE TABLE shared_records (
  dataset text NOT NULL,
  key text NOT NULL,
  seq bigint NOT NULL UNIQUE,
  version double precision NOT NULL,
  occurred_at timestamptz NOT NULL,
  township text,
  enterprise text,
  factor text,
  lon double precision,
  lat double precision,
  fields jsonb NOT NULL,
  PRIMARY KEY (dataset, key)
);
CREATE INDEX shared_records_page ON shared_records (dataset, seq);

CREATE TABLE access_audit (
  sequence bigint PRIMARY KEY,
  access_id uuid NOT NULL UNIQUE,
  partner_id text NOT NULL,
  dataset text NOT NULL,
  query jsonb NOT NULL,
  rows integer NOT NULL,
  response_sha256 text NOT NULL,
  accessed_at timestamptz NOT NULL,
  allowed boolean NOT NULL,
  denial_reason text NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX access_audit_partner ON access_audit (partner_id, sequence);

-- The audit is append-only: updates, deletes and truncation are refused by the database itself (the chain still
-- shows what someone able to switch this off would change).
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER access_audit_append_only BEFORE UPDATE OR DELETE ON access_audit FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER access_audit_no_truncate BEFORE TRUNCATE ON access_audit FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
