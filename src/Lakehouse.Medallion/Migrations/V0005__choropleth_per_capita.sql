-- Region and province daily metrics gain population and revenue per capita from Lakehouse.Geo's dimensions
-- (migrated before this package); gold_region_choropleth keeps the source design's name and columns.
CREATE OR REPLACE VIEW scout.gold_region_daily WITH (security_invoker = true) AS
SELECT g.region_psgc, g.date_key, g.tenant_id, sum(g.transaction_count) AS txn_count, count(DISTINCT g.store_id) AS active_stores,
       sum(g.peso_total) AS peso_total, sum(g.peso_total) / nullif(sum(g.transaction_count), 0) AS avg_transaction_value,
       r.region_name, r.population, round(sum(g.peso_total) / nullif(r.population, 0), 6) AS revenue_per_capita
FROM scout.gold_geo_store_daily g
LEFT JOIN scout.dim_geo_region r ON r.region_psgc = g.region_psgc
WHERE g.region_psgc <> ''
GROUP BY g.region_psgc, g.date_key, g.tenant_id, r.region_name, r.population;

CREATE OR REPLACE VIEW scout.gold_province_daily WITH (security_invoker = true) AS
SELECT g.province_psgc, g.region_psgc, g.date_key, g.tenant_id, sum(g.transaction_count) AS txn_count,
       count(DISTINCT g.store_id) AS active_stores, sum(g.peso_total) AS peso_total,
       sum(g.peso_total) / nullif(sum(g.transaction_count), 0) AS avg_transaction_value,
       p.province_name, p.population, round(sum(g.peso_total) / nullif(p.population, 0), 6) AS revenue_per_capita
FROM scout.gold_geo_store_daily g
LEFT JOIN scout.dim_geo_province p ON p.province_psgc = g.province_psgc
WHERE g.province_psgc <> ''
GROUP BY g.province_psgc, g.region_psgc, g.date_key, g.tenant_id, p.province_name, p.population;

CREATE VIEW scout.gold_region_choropleth WITH (security_invoker = true) AS
SELECT region_psgc AS region_key, region_name, date_key AS day, txn_count, active_stores, peso_total,
       round(avg_transaction_value, 2) AS avg_transaction_value, population, revenue_per_capita
FROM scout.gold_region_daily;

GRANT SELECT ON scout.gold_region_daily, scout.gold_province_daily, scout.gold_region_choropleth TO authenticated, service_role;
