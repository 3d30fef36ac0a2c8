-- Row-level security for the publisher schema (checked by `lakehouse audit`): every table enabled and forced,
-- service_role everything through a USING (true) policy, no other application role, no PUBLIC grants. Subscription
-- secrets and the registry are operational data: never readable by anon, authenticated or edge_uploader.
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'publisher' AND c.relkind IN ('r', 'p') ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE publisher.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE publisher.%I FORCE ROW LEVEL SECURITY', t);
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'publisher' AND tablename = t AND policyname = 'service_all') THEN
      EXECUTE format('CREATE POLICY service_all ON publisher.%I TO service_role USING (true) WITH CHECK (true)', t);
    END IF;
  END LOOP;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA publisher FROM PUBLIC, anon, authenticated, edge_uploader;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA publisher FROM PUBLIC, anon, authenticated, edge_uploader;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA publisher FROM PUBLIC;
GRANT USAGE ON SCHEMA publisher TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA publisher TO service_role;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA publisher TO service_role;
