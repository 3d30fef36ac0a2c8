-- Lakehouse.Ingest: the append-only audit trail (audit.events), written through Lakehouse.Ingest.AuditLog and by
-- the shared migrator; plus row-level security for the migrator's own lakehouse.schema_history.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.events (
    id          bigserial   PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL DEFAULT session_user,
    action      text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    object      text,
    details     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX events_occurred_at ON audit.events (occurred_at);
CREATE INDEX events_action_occurred_at ON audit.events (action, occurred_at);

-- Append-only, whoever asks: the trigger refuses UPDATE, DELETE and TRUNCATE even for the owner and superusers
-- (who bypass grants and row-level security, but not triggers).
CREATE FUNCTION audit.refuse_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'audit.events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
REVOKE EXECUTE ON FUNCTION audit.refuse_change() FROM PUBLIC;

-- Grants: service_role appends and reads; nobody (the migrating owner included) updates, deletes or truncates.
REVOKE ALL ON audit.events FROM PUBLIC, anon, authenticated, edge_uploader, service_role;
GRANT USAGE ON SCHEMA audit TO service_role;
GRANT SELECT, INSERT ON audit.events TO service_role;
GRANT USAGE ON SEQUENCE audit.events_id_seq TO service_role;
ALTER TABLE audit.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.events FORCE ROW LEVEL SECURITY;
CREATE POLICY service_read ON audit.events FOR SELECT TO service_role USING (true);
CREATE POLICY service_append ON audit.events FOR INSERT TO service_role WITH CHECK (true);
DO $$
BEGIN
  -- The role running migrations owns the table; FORCE applies to it, so it gets append and read policies (no
  -- update or delete policy exists for anyone) and loses the UPDATE, DELETE and TRUNCATE grants.
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit.events FROM %I', current_user);
  EXECUTE format('CREATE POLICY migrator_append ON audit.events FOR INSERT TO %I WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY migrator_read ON audit.events FOR SELECT TO %I USING (true)', current_user);

  -- The migrator's history: service_role everything, the migrating role keeps reading and writing it.
  EXECUTE 'ALTER TABLE lakehouse.schema_history ENABLE ROW LEVEL SECURITY';
  EXECUTE 'ALTER TABLE lakehouse.schema_history FORCE ROW LEVEL SECURITY';
  EXECUTE 'CREATE POLICY service_all ON lakehouse.schema_history TO service_role USING (true) WITH CHECK (true)';
  EXECUTE format('CREATE POLICY migrator_all ON lakehouse.schema_history TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
REVOKE ALL ON lakehouse.schema_history FROM PUBLIC, anon, authenticated, edge_uploader;
GRANT USAGE ON SCHEMA lakehouse TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON lakehouse.schema_history TO service_role;

-- Functions in the family's schemas are not callable by PUBLIC (PostgreSQL grants EXECUTE to PUBLIC by default);
-- each function grants EXECUTE to the roles that need it.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA scout, lakehouse, audit FROM PUBLIC;

-- Migrations applied before the audit trail existed (Geo's, and Ingest's first two), recorded once, from history.
INSERT INTO audit.events (occurred_at, actor, action, object, details)
SELECT applied_at, session_user, 'migration.apply', format('%s V%s__%s', component, lpad(version::text, 4, '0'), name),
       jsonb_build_object('component', component, 'version', version, 'name', name, 'checksum', checksum, 'backfilled', true)
FROM lakehouse.schema_history
ORDER BY applied_at, component, version;
