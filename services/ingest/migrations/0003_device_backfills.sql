-- Ingest asks devices for the history records a silence cost them (2051/2061), as commands of its own.
ALTER TABLE device_commands DROP CONSTRAINT device_commands_origin_check;
ALTER TABLE device_commands ADD CONSTRAINT device_commands_origin_check CHECK (origin IN ('operator', 'clock', 'backfill'));

-- One history request a reconnect called for, from planned to filled, empty on the device, or given up.
CREATE TABLE device_backfills (
  id uuid PRIMARY KEY,
  device_mn text NOT NULL,
  command_code text NOT NULL CHECK (command_code IN ('2051', '2061')),
  begin_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL CHECK (end_time >= begin_time),
  state text NOT NULL CHECK (state IN ('pending', 'requested', 'filled', 'no_data', 'given_up')),
  attempts integer NOT NULL DEFAULT 0,
  command_id text NOT NULL DEFAULT '',
  records_received integer NOT NULL DEFAULT 0,
  reason text NOT NULL DEFAULT '',
  due_time timestamptz NOT NULL,
  created_time timestamptz NOT NULL,
  updated_time timestamptz NOT NULL
);

-- What waits or is in flight, per device: the claim (newest range first) and the sweep look only at these.
CREATE INDEX device_backfills_open ON device_backfills (device_mn, end_time DESC) WHERE state IN ('pending', 'requested');
-- A device's back-fills, newest first (operators, tests).
CREATE INDEX device_backfills_by_device ON device_backfills (device_mn, created_time DESC);
