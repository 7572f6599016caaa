-- Alerting's state per readings partition, its devices' evaluation state, and the read models behind ListAlerts
-- and GetStationAqi. The outbox comes from @ecogrid/outbox (0002_outbox).

-- The next offset of each readings partition that this schema's state reflects: the truth about where to resume
-- (Kafka's committed offset is only a hint), and the fence every write is conditional on.
CREATE TABLE consumer_offsets (
  topic text NOT NULL,
  partition integer NOT NULL,
  next_offset bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition)
);

CREATE TABLE device_state (
  device_mn text PRIMARY KEY,
  partition integer NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_state_by_partition ON device_state (partition);

CREATE TABLE alerts (
  alert_id text PRIMARY KEY,
  sequence integer NOT NULL,
  open boolean NOT NULL,
  kind text NOT NULL,
  rule_id text NOT NULL,
  device_mn text NOT NULL,
  enterprise_uscc text NOT NULL,
  cell_id text NOT NULL,
  township_code text NOT NULL,
  severity text NOT NULL,
  opened_at timestamptz NOT NULL,
  changed_at timestamptz NOT NULL,
  payload bytea NOT NULL
);
CREATE INDEX alerts_by_change ON alerts (changed_at DESC, alert_id DESC);
CREATE INDEX alerts_open_by_change ON alerts (changed_at DESC, alert_id DESC) WHERE open;
CREATE INDEX alerts_by_device ON alerts (device_mn, changed_at DESC);

CREATE TABLE station_aqi (
  station_mn text NOT NULL,
  hour_start timestamptz NOT NULL,
  revision integer NOT NULL,
  payload bytea NOT NULL,
  PRIMARY KEY (station_mn, hour_start)
);
