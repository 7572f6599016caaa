-- Least privilege in PostgreSQL: each service connects as a role of its own that owns its own schema and nothing
-- else. It can use PostGIS (in public) but can neither create objects in public nor read another service's schema.
-- Idempotent: run by deploy/local/postgres.sh on every start, and by the test that proves it.
-- Production creates the same roles with passwords (see docs/security.md); locally trust auth needs none.
DO $roles$
DECLARE
  service text;
  owner_role text;
  object record;
BEGIN
  FOREACH service IN ARRAY ARRAY['registry', 'ingest', 'alerting', 'dispatch', 'credit', 'sharing', 'console', 'emergency'] LOOP
    owner_role := 'ecogrid_' || service;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner_role) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', owner_role);
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, owner_role);
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', service, owner_role);
    -- A schema built before the roles existed: its objects move to the service's role too.
    -- Tables first: their indexes and owned sequences follow them; then what is left (free-standing sequences).
    FOR object IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = service AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> owner_role LOOP
      EXECUTE format('ALTER %s %I.%I OWNER TO %I', CASE object.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, service, object.relname, owner_role);
    END LOOP;
    FOR object IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = service AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> owner_role LOOP
      EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO %I', service, object.relname, owner_role);
    END LOOP;
    FOR object IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = service AND pg_get_userbyid(p.proowner) <> owner_role LOOP
      EXECUTE format('ALTER ROUTINE %s OWNER TO %I', object.signature, owner_role);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', owner_role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), owner_role);
  END LOOP;
END
$roles$;
-- Nobody but the owner creates objects in public (PostgreSQL 15's default, made explicit).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
