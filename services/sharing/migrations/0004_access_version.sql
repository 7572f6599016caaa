-- One number that every change of who may read what moves forward: a key, a partner or a grant inserted, updated or
-- deleted by any writer (the API, a steward's SQL, a seed script), in the same transaction as the change. Instances
-- keep keys, partners and grants in memory and compare this number before they trust that copy, so a revocation
-- is refused by every instance on the first request after it commits.
CREATE TABLE access_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO access_version (one, version) VALUES (true, 1);

CREATE FUNCTION bump_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE access_version SET version = version + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER partners_access_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partners FOR EACH STATEMENT EXECUTE FUNCTION bump_access_version();
CREATE TRIGGER partner_keys_access_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_keys FOR EACH STATEMENT EXECUTE FUNCTION bump_access_version();
CREATE TRIGGER grants_access_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants FOR EACH STATEMENT EXECUTE FUNCTION bump_access_version();
