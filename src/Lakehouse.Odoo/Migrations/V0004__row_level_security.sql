-- Hardening of the odoo, odoo_seed and catalog schemas (checked by `lakehouse audit`): every table has row-level
-- security enabled and forced with a service_role policy, nothing is granted to PUBLIC or the other application
-- roles, no function is executable by PUBLIC, and service_role can use every sequence.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT n.nspname AS s, c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('odoo', 'odoo_seed', 'catalog') AND c.relkind IN ('r', 'p') ORDER BY 1, 2 LOOP
    EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', r.s, r.t);
    EXECUTE format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', r.s, r.t);
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = r.s AND tablename = r.t AND policyname = 'service_all') THEN
      EXECUTE format('CREATE POLICY service_all ON %I.%I TO service_role USING (true) WITH CHECK (true)', r.s, r.t);
    END IF;
  END LOOP;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA odoo, odoo_seed, catalog FROM PUBLIC, anon, authenticated, edge_uploader;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo, odoo_seed, catalog FROM PUBLIC, anon, authenticated, edge_uploader;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA odoo, odoo_seed, catalog FROM PUBLIC;
GRANT USAGE ON SCHEMA odoo, odoo_seed, catalog TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA odoo, odoo_seed, catalog TO service_role;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA odoo, odoo_seed, catalog TO service_role;

-- Personal data (the convention `lakehouse audit` reads): only service_role may read these columns.
COMMENT ON COLUMN odoo_seed.shadow_account_moves.partner_name IS 'pii: invoice partner name (often a person)';
