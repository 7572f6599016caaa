-- Early warning before a limit is crossed (预警). Migrations 0020–0029 belong to early warning.

-- One row per watched series (device × factor × data interval): its recent window — what the in-memory tracker is
-- rebuilt from after a restart — its warning state and its newest forecast with band, model and inputs.
CREATE TABLE early_warning_series (
  series_id text PRIMARY KEY,
  device_mn text NOT NULL,
  factor_code text NOT NULL,
  command_code text NOT NULL,
  series_kind text NOT NULL,
  -- The limit the state was judged against (JSON of the domain's SeriesLimit); a different one starts the state afresh.
  limit_key text NOT NULL,
  phase text NOT NULL,
  calm_readings integer NOT NULL,
  inside_readings integer NOT NULL,
  "window" jsonb NOT NULL,
  forecast jsonb,
  active_warning_id text,
  active_raised_at timestamptz,
  last_data_time timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX early_warning_series_device ON early_warning_series (device_mn);

-- One row per warning, raised with the forecast that raised it as evidence, and how it ended.
CREATE TABLE early_warnings (
  warning_id text PRIMARY KEY,
  series_id text NOT NULL REFERENCES early_warning_series (series_id),
  device_mn text NOT NULL,
  factor_code text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'cleared')),
  evidence jsonb NOT NULL,
  raised_at timestamptz NOT NULL,
  cleared_at timestamptz,
  clear_reason text,
  cleared_value double precision,
  cell_id text NOT NULL,
  township_code text NOT NULL,
  message_zh text NOT NULL,
  message_en text NOT NULL
);
CREATE INDEX early_warnings_newest ON early_warnings (raised_at DESC, warning_id DESC);
CREATE INDEX early_warnings_active ON early_warnings (raised_at DESC) WHERE status = 'active';
CREATE INDEX early_warnings_device ON early_warnings (device_mn, raised_at DESC);

-- The replay evaluation's figures (`early-warning:evaluate --store`), newest last.
CREATE TABLE early_warning_evaluations (
  evaluation_id bigserial PRIMARY KEY,
  evaluated_at timestamptz NOT NULL,
  horizon_minutes integer NOT NULL,
  min_lead_minutes integer NOT NULL,
  sets jsonb NOT NULL
);
