-- A warning counts its changes (issued = 1); the count also numbers its level activations in obligation ids.
ALTER TABLE warnings ADD COLUMN sequence integer NOT NULL DEFAULT 1;

-- Hourly means keep the outlet a CEMS device measures (reduced levels are per outlet and factor) and whether they
-- are emissions or production/power-use monitoring (HJ 212-2025 ST 44/45).
ALTER TABLE outlet_hours ADD COLUMN outlet_id text NOT NULL DEFAULT '';
ALTER TABLE outlet_hours ADD COLUMN source text NOT NULL DEFAULT 'emission';

-- Compliance reads the active obligations of open windows, often.
CREATE INDEX obligations_to_check ON obligations (warning_id) WHERE status = 'active' AND window_end IS NULL;

-- A warning's row and its obligations are written in one transaction, the obligations first (the warning stores
-- their count): the reference is checked at commit.
ALTER TABLE obligations ALTER CONSTRAINT obligations_warning_id_fkey DEFERRABLE INITIALLY DEFERRED;
