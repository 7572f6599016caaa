-- Idempotency-Key of POST /v1/cases and the Open311 POST: per principal, the request's fingerprint and the case it
-- created, written in the creating transaction, so a retry finds the first result and never a second case.
-- Rows past expires_at are taken over by a new request with the same key and purged a few at a time.
CREATE TABLE idempotency_keys (
  principal text NOT NULL,
  key text NOT NULL,
  request_sha256 text NOT NULL,
  case_id text REFERENCES cases (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
