-- Commands to devices (reverse control) and their lifecycle; every change is also published through the outbox.
CREATE TABLE device_commands (
  id uuid PRIMARY KEY,
  device_mn text NOT NULL,
  command_code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('request', 'notification')),
  params jsonb NOT NULL,
  origin text NOT NULL CHECK (origin IN ('operator', 'clock')),
  requested_by text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'sent', 'accepted', 'refused', 'succeeded', 'failed', 'timed_out', 'expired')),
  request_number text NOT NULL DEFAULT '',
  over_time_seconds integer NOT NULL,
  re_count integer NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  qn_rtn integer NOT NULL DEFAULT 0,
  exe_rtn integer NOT NULL DEFAULT 0,
  reason text NOT NULL DEFAULT '',
  reason_text text NOT NULL DEFAULT '',
  data jsonb NOT NULL DEFAULT '[]',
  note text NOT NULL DEFAULT '',
  created_time timestamptz NOT NULL,
  updated_time timestamptz NOT NULL,
  sent_time timestamptz,
  finished_time timestamptz,
  queued_until timestamptz NOT NULL,
  deadline timestamptz
);

-- ListCommands: a device's commands, newest first.
CREATE INDEX device_commands_by_device ON device_commands (device_mn, created_time DESC, id DESC);
-- What the runner claims (oldest queued first) and what the sweep looks at: only unfinished commands.
CREATE INDEX device_commands_open ON device_commands (device_mn, created_time, id) WHERE state IN ('queued', 'sent', 'accepted');
