-- Webhook subscriptions: a partner's https endpoint for one granted dataset, the HMAC secret it verifies with, how
-- far delivery got (a record sequence) and a lease so one instance delivers each subscription at a time.
CREATE TABLE webhook_subscriptions (
  id text PRIMARY KEY,
  partner_id text NOT NULL REFERENCES partners (id),
  dataset_id text NOT NULL,
  url text NOT NULL,
  secret text NOT NULL,
  last_seq bigint NOT NULL,
  active boolean NOT NULL DEFAULT true,
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL
);

-- What could not be delivered after every retry: kept for the partner to fetch or a steward to replay.
CREATE TABLE webhook_dead_letters (
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id),
  seq bigint NOT NULL,
  event jsonb NOT NULL,
  attempts integer NOT NULL,
  last_error text NOT NULL,
  dead_at timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, seq)
);
