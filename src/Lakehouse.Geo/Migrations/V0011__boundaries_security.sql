-- Row-level security for the boundary tables (checked by `lakehouse audit`). Boundaries are public reference data,
-- like the geographic dimensions: authenticated may read them, only service_role (and these migrations) write them.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['geo_adm1_region', 'geo_adm2_province', 'geo_adm3_citymun',
                           'geo_adm1_region_gen', 'geo_adm2_province_gen', 'geo_adm3_citymun_gen'] LOOP
    EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE ALL ON scout.%I FROM PUBLIC, anon, authenticated, edge_uploader', t);
    EXECUTE format('GRANT SELECT ON scout.%I TO authenticated', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON scout.%I TO service_role', t);
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'scout' AND tablename = t AND policyname = 'everyone_read') THEN
      EXECUTE format('CREATE POLICY everyone_read ON scout.%I FOR SELECT TO authenticated USING (true)', t);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'scout' AND tablename = t AND policyname = 'service_all') THEN
      EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
    END IF;
  END LOOP;
END $$;
GRANT USAGE ON SCHEMA scout TO authenticated, service_role;
