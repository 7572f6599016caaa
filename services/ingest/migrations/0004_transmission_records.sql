-- One compact row per stored minute or hour record (device × data time), with its flag class: what data-transmission
-- rates are computed from. Written by ingest's consumer of ecogrid.readings.v1, once per observation id.
CREATE TABLE transmission_records (
  observation_id text PRIMARY KEY,
  device_mn text NOT NULL,
  enterprise_uscc text NOT NULL DEFAULT '',
  command_code text NOT NULL CHECK (command_code IN ('2051', '2061')),
  data_time timestamptz NOT NULL,
  flag_class text NOT NULL CHECK (flag_class IN ('valid', 'invalid')),
  on_time boolean NOT NULL,
  resend boolean NOT NULL,
  received_time timestamptz NOT NULL
);

CREATE INDEX transmission_records_by_device ON transmission_records (device_mn, command_code, data_time);
CREATE INDEX transmission_records_by_enterprise ON transmission_records (enterprise_uscc, device_mn);

-- Days whose rates were published to ecogrid.devices.transmission.v1 (through the outbox): each once, by any instance.
CREATE TABLE transmission_publications (
  day date PRIMARY KEY,
  published_time timestamptz NOT NULL,
  devices integer NOT NULL,
  enterprises integer NOT NULL
);
