-- Row-level security for Lakehouse.Ingest's tables (created by the ingest migrations, which always run first):
-- edge_uploader may only insert into bronze; service_role everything; authenticated and anon nothing.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bronze_transactions', 'bronze_rejects', 'landing_files', 'ingestion_status'] LOOP
    IF to_regclass('scout.' || t) IS NOT NULL THEN
      EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
      EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
      EXECUTE format('REVOKE ALL ON scout.%I FROM PUBLIC, anon, authenticated', t);
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON scout.%I TO service_role', t);
      EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
    END IF;
  END LOOP;
END $$;

GRANT USAGE ON SCHEMA scout TO edge_uploader;
GRANT INSERT ON scout.bronze_transactions TO edge_uploader;
GRANT USAGE ON SEQUENCE scout.bronze_transactions_id_seq TO edge_uploader;
CREATE POLICY edge_insert ON scout.bronze_transactions FOR INSERT TO edge_uploader WITH CHECK (true);
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA scout TO service_role;
REVOKE ALL ON scout.v_bronze_transactions FROM PUBLIC, anon, authenticated, edge_uploader;
GRANT SELECT ON scout.v_bronze_transactions TO service_role;
