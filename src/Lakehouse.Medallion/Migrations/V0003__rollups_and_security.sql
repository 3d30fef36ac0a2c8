-- Roll-ups derive from the mergeable daily bases; they are views, so they can never disagree with them.
CREATE VIEW scout.gold_weekly_metrics WITH (security_invoker = true) AS
WITH d AS (
    SELECT store_id, date_trunc('week', date_key)::date AS week_start, min(tenant_id) AS tenant_id,
           sum(transaction_count) AS transaction_count, sum(total_sales) AS total_sales, sum(total_discount) AS total_discount,
           sum(net_sales) AS net_sales, sum(units_sold) AS units_sold,
           sum(campaign_transactions) AS campaign_transactions, sum(campaign_sales) AS campaign_sales
    FROM scout.gold_daily_metrics GROUP BY 1, 2),
c AS (
    SELECT store_id, date_trunc('week', date_key)::date AS week_start, count(DISTINCT customer_id) AS unique_customers
    FROM scout.gold_store_day_customers GROUP BY 1, 2)
SELECT d.store_id, d.week_start, d.tenant_id, d.transaction_count, d.total_sales, d.total_discount, d.net_sales, d.units_sold,
       coalesce(c.unique_customers, 0) AS unique_customers, d.campaign_transactions, d.campaign_sales
FROM d LEFT JOIN c USING (store_id, week_start);

CREATE VIEW scout.gold_monthly_metrics WITH (security_invoker = true) AS
WITH d AS (
    SELECT store_id, date_trunc('month', date_key)::date AS month_start, min(tenant_id) AS tenant_id,
           sum(transaction_count) AS transaction_count, sum(total_sales) AS total_sales, sum(total_discount) AS total_discount,
           sum(net_sales) AS net_sales, sum(units_sold) AS units_sold,
           sum(campaign_transactions) AS campaign_transactions, sum(campaign_sales) AS campaign_sales
    FROM scout.gold_daily_metrics GROUP BY 1, 2),
c AS (
    SELECT store_id, date_trunc('month', date_key)::date AS month_start, count(DISTINCT customer_id) AS unique_customers
    FROM scout.gold_store_day_customers GROUP BY 1, 2)
SELECT d.store_id, d.month_start, d.tenant_id, d.transaction_count, d.total_sales, d.total_discount, d.net_sales, d.units_sold,
       coalesce(c.unique_customers, 0) AS unique_customers, d.campaign_transactions, d.campaign_sales
FROM d LEFT JOIN c USING (store_id, month_start);

CREATE VIEW scout.gold_product_performance WITH (security_invoker = true) AS
SELECT product_id, date_key, tenant_id, sum(units) AS units_sold, sum(revenue) AS revenue, count(*) AS stores_selling
FROM scout.gold_product_store_daily
GROUP BY product_id, date_key, tenant_id;

CREATE VIEW scout.gold_region_daily WITH (security_invoker = true) AS
SELECT region_psgc, date_key, tenant_id, sum(transaction_count) AS txn_count, count(DISTINCT store_id) AS active_stores,
       sum(peso_total) AS peso_total, sum(peso_total) / nullif(sum(transaction_count), 0) AS avg_transaction_value
FROM scout.gold_geo_store_daily
WHERE region_psgc <> ''
GROUP BY region_psgc, date_key, tenant_id;

CREATE VIEW scout.gold_province_daily WITH (security_invoker = true) AS
SELECT province_psgc, region_psgc, date_key, tenant_id, sum(transaction_count) AS txn_count,
       count(DISTINCT store_id) AS active_stores, sum(peso_total) AS peso_total,
       sum(peso_total) / nullif(sum(transaction_count), 0) AS avg_transaction_value
FROM scout.gold_geo_store_daily
WHERE province_psgc <> ''
GROUP BY province_psgc, region_psgc, date_key, tenant_id;

-- ---------------------------------------------------------------- row-level security
-- anon: nothing. authenticated: silver and above, own tenant only. service_role: everything.
-- edge_uploader: insert into bronze only (granted where bronze is created).
REVOKE ALL ON ALL TABLES IN SCHEMA scout FROM PUBLIC, anon;
GRANT USAGE ON SCHEMA scout TO authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA scout TO service_role;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA scout TO service_role;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
      'dim_store', 'dim_product', 'dim_customer', 'dim_campaign',
      'silver_transactions', 'silver_line_items',
      'gold_daily_metrics', 'gold_store_day_customers', 'gold_geo_store_daily', 'gold_product_store_daily',
      'platinum_customer_rfm', 'platinum_product_velocity', 'platinum_store_anomalies', 'platinum_features'] LOOP
    EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
    EXECUTE format('GRANT SELECT ON scout.%I TO authenticated', t);
    EXECUTE format('CREATE POLICY tenant_read ON scout.%I FOR SELECT TO authenticated USING (tenant_id = scout.current_tenant())', t);
  END LOOP;
  -- Shared, tenant-less tables: readable by authenticated, writable by service_role only.
  FOREACH t IN ARRAY ARRAY['dim_date'] LOOP
    EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
    EXECUTE format('GRANT SELECT ON scout.%I TO authenticated', t);
    EXECUTE format('CREATE POLICY everyone_read ON scout.%I FOR SELECT TO authenticated USING (true)', t);
  END LOOP;
  -- Operational tables: service_role only.
  FOREACH t IN ARRAY ARRAY['silver_quarantine', 'medallion_watermarks', 'dq_results'] LOOP
    EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;

GRANT SELECT ON scout.gold_weekly_metrics, scout.gold_monthly_metrics, scout.gold_product_performance,
                scout.gold_region_daily, scout.gold_province_daily TO authenticated;
REVOKE EXECUTE ON FUNCTION scout.current_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scout.current_tenant() TO authenticated, service_role;
