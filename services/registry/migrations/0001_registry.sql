-- The registry: grid hierarchy with versioned cell polygons, officers and duty rosters, devices, enterprises
-- and their outlets, targets (sensitive targets, risk sources, emergency resources). The outbox the changes
-- are published through is the shared one (@ecogrid/outbox), migration 0002_outbox.
-- Each entity row keeps its full protobuf JSON in `doc` (what the API and the events carry) beside the
-- columns that are filtered, joined or indexed, which are derived from it on write. Kinds, roles and
-- categories are stored by their names (`flue_gas_cems`, `supervisor`, `risk_source`), not wire numbers.
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

CREATE TABLE district (
  code text PRIMARY KEY,
  name text NOT NULL,
  boundary geometry(MultiPolygon, 4326) NOT NULL,
  boundary_geojson text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE townships (
  code text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('township', 'town', 'subdistrict')),
  district_code text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every version of every cell; the current one has valid_to NULL. A changed polygon closes the current
-- version and opens the next, so "which cell was this point in at time t" stays answerable.
CREATE TABLE cell_versions (
  id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  name text NOT NULL,
  township_code text NOT NULL REFERENCES townships (code),
  geometry geometry(MultiPolygon, 4326) NOT NULL,
  geometry_geojson text NOT NULL,
  area_m2 double precision NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  PRIMARY KEY (id, version),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX cell_versions_current ON cell_versions (id) WHERE valid_to IS NULL;
CREATE INDEX cell_versions_geometry ON cell_versions USING gist (geometry);
CREATE INDEX cell_versions_township ON cell_versions (township_code) WHERE valid_to IS NULL;

CREATE TABLE officers (
  id text PRIMARY KEY,
  role text NOT NULL,
  township_code text REFERENCES townships (code),
  active boolean NOT NULL,
  doc jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX officers_township ON officers (township_code);
-- Cells an officer is responsible for, and duty shifts: derived from doc, kept for queries ("who covers C at t").
CREATE TABLE officer_cells (
  officer_id text NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
  cell_id text NOT NULL,
  PRIMARY KEY (officer_id, cell_id)
);
CREATE INDEX officer_cells_cell ON officer_cells (cell_id);
CREATE TABLE duty_shifts (
  officer_id text NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
  cell_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  PRIMARY KEY (officer_id, cell_id, starts_at)
);
CREATE INDEX duty_shifts_cell ON duty_shifts (cell_id, starts_at);

CREATE TABLE enterprises (
  uscc text PRIMARY KEY,
  industry text NOT NULL,
  key_discharge_unit boolean NOT NULL,
  township_code text NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  doc jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enterprises_location ON enterprises USING gist (location);
CREATE INDEX enterprises_township ON enterprises (township_code);

CREATE TABLE outlets (
  enterprise_uscc text NOT NULL REFERENCES enterprises (uscc) ON DELETE CASCADE,
  id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('flue_gas', 'wastewater')),
  location geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (enterprise_uscc, id)
);

CREATE TABLE devices (
  mn text PRIMARY KEY,
  kind text NOT NULL,
  township_code text NOT NULL,
  cell_id text NOT NULL,
  enterprise_uscc text REFERENCES enterprises (uscc),
  outlet_id text,
  location geometry(Point, 4326) NOT NULL,
  doc jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (enterprise_uscc, outlet_id) REFERENCES outlets (enterprise_uscc, id)
);
CREATE INDEX devices_location ON devices USING gist (location);
CREATE INDEX devices_township ON devices (township_code, kind);
CREATE INDEX devices_enterprise ON devices (enterprise_uscc);

CREATE TABLE targets (
  id text PRIMARY KEY,
  kind text NOT NULL,
  category text NOT NULL CHECK (category IN ('sensitive', 'risk_source', 'emergency_resource')),
  township_code text NOT NULL,
  geometry geometry(Geometry, 4326) NOT NULL,
  doc jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX targets_geometry ON targets USING gist (geometry);
CREATE INDEX targets_geography ON targets USING gist ((geometry::geography));
CREATE INDEX targets_category ON targets (category, kind);
