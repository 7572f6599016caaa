-- Heavy-pollution weather warnings (重污染天气预警). Migrations 0001–0009 belong to warnings, 0010–0019 to
-- incidents, 0020–0029 to early warning.

-- The reduction list (减排清单) is versioned per year: an import adds a version, the newest one of a year is in force,
-- and a warning keeps the version it activated.
CREATE TABLE reduction_lists (
  year integer NOT NULL,
  version integer NOT NULL,
  imported_at timestamptz NOT NULL,
  imported_by text NOT NULL,
  enterprise_count integer NOT NULL,
  PRIMARY KEY (year, version)
);

CREATE TABLE reduction_list_entries (
  year integer NOT NULL,
  version integer NOT NULL,
  uscc text NOT NULL,
  enterprise_name text NOT NULL,
  industry text NOT NULL,
  grade text NOT NULL,
  grade_valid_until timestamptz,
  -- Per level (yellow/orange/red): production limit %, stop, transport restriction, reduced levels per outlet factor.
  measures jsonb NOT NULL,
  PRIMARY KEY (year, version, uscc),
  FOREIGN KEY (year, version) REFERENCES reduction_lists (year, version)
);

-- One row per episode: a warning that is upgraded, downgraded or re-issued before it clears stays this one row.
CREATE TABLE warnings (
  warning_id text PRIMARY KEY,
  level text NOT NULL,
  peak_level text NOT NULL,
  status text NOT NULL,
  origin text NOT NULL,
  drill boolean NOT NULL,
  starts_at timestamptz NOT NULL,
  expected_end_at timestamptz,
  lifted_at timestamptz,
  reason text NOT NULL,
  issued_by text NOT NULL,
  list_year integer NOT NULL,
  list_version integer NOT NULL,
  obligation_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- At most one active real episode (and one drill) at a time: a second issue merges into it.
CREATE UNIQUE INDEX warnings_one_active ON warnings (drill) WHERE status = 'active';

-- Every change of a warning, in order (issued, upgraded, downgraded, extended, lifted).
CREATE TABLE warning_changes (
  warning_id text NOT NULL REFERENCES warnings (warning_id),
  sequence integer NOT NULL,
  change text NOT NULL,
  level text NOT NULL,
  previous_level text,
  actor text NOT NULL,
  reason text NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (warning_id, sequence)
);

-- One measure of one listed enterprise at one level of a warning, with its window. A level change ends the open
-- obligations and opens the new level's.
CREATE TABLE obligations (
  obligation_id text PRIMARY KEY,
  warning_id text NOT NULL REFERENCES warnings (warning_id),
  uscc text NOT NULL,
  enterprise_name text NOT NULL,
  cell_id text NOT NULL,
  township_code text NOT NULL,
  lon double precision,
  lat double precision,
  grade text NOT NULL,
  level text NOT NULL,
  measure text NOT NULL,
  production_limit_percent double precision NOT NULL,
  reduced_levels jsonb NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz,
  status text NOT NULL,
  breach_reason text,
  breach_reason_en text,
  breached_at timestamptz,
  case_request_id text
);
CREATE INDEX obligations_by_warning ON obligations (warning_id, uscc);
CREATE INDEX obligations_open ON obligations (uscc) WHERE window_end IS NULL;

-- Hourly means of the CEMS outlet readings of listed enterprises: compliance in a window and the evaluation's
-- baseline (the same hours before the warning) both read them. Sum and count so a late reading updates the mean.
CREATE TABLE outlet_hours (
  device_mn text NOT NULL,
  factor_code text NOT NULL,
  hour timestamptz NOT NULL,
  uscc text NOT NULL,
  value_sum double precision NOT NULL,
  value_count integer NOT NULL,
  PRIMARY KEY (device_mn, factor_code, hour)
);
CREATE INDEX outlet_hours_by_enterprise ON outlet_hours (uscc, hour);

-- Observation ids already folded into outlet_hours: a redelivered reading is not counted twice.
CREATE TABLE counted_observations (
  observation_id text PRIMARY KEY,
  counted_at timestamptz NOT NULL
);

-- Hourly AQI per station (ecogrid.aqi.hourly.v1): the observed triggers read the district's rolling daily AQI.
CREATE TABLE aqi_hours (
  station_mn text NOT NULL,
  hour timestamptz NOT NULL,
  aqi integer NOT NULL,
  PRIMARY KEY (station_mn, hour)
);
CREATE INDEX aqi_hours_by_hour ON aqi_hours (hour);

-- The city's or the meteorological office's forecast daily AQI, per day (the forecast trigger).
CREATE TABLE aqi_forecasts (
  day date PRIMARY KEY,
  aqi integer NOT NULL,
  recorded_at timestamptz NOT NULL,
  recorded_by text NOT NULL
);

-- What an episode achieved, written when its warning is lifted.
CREATE TABLE episode_evaluations (
  warning_id text PRIMARY KEY REFERENCES warnings (warning_id),
  evaluation jsonb NOT NULL,
  evaluated_at timestamptz NOT NULL
);
