-- Basket segments (transaction clustering) in platinum: each transaction's cluster, each cluster's profile in
-- readable units, and customer segments that pair RFM with the customer's usual basket cluster. Clusters are
-- fitted per tenant (a profile's shares never mix tenants), recomputed whole with the rest of platinum.
CREATE TABLE scout.platinum_basket_clusters (
    store_id       text    NOT NULL,
    transaction_id text    NOT NULL,
    tenant_id      text    NOT NULL DEFAULT 'default',
    cluster_id     integer NOT NULL CHECK (cluster_id >= 1),
    PRIMARY KEY (store_id, transaction_id)
);
CREATE INDEX platinum_basket_clusters_tenant ON scout.platinum_basket_clusters (tenant_id, cluster_id);

CREATE TABLE scout.platinum_basket_cluster_profiles (
    tenant_id            text    NOT NULL DEFAULT 'default',
    cluster_id           integer NOT NULL CHECK (cluster_id >= 1),
    label                text    NOT NULL,
    transactions         bigint  NOT NULL,
    transaction_share    numeric NOT NULL,
    sales                numeric NOT NULL,
    sales_share          numeric NOT NULL,
    avg_peso_value       numeric NOT NULL,
    avg_items            numeric NOT NULL,
    beverages_share      numeric NOT NULL,
    snacks_share         numeric NOT NULL,
    personal_care_share  numeric NOT NULL,
    household_share      numeric NOT NULL,
    tobacco_share        numeric NOT NULL,
    other_category_share numeric NOT NULL,
    dominant_categories  text    NOT NULL,
    typical_hour         numeric NOT NULL,
    cash_share           numeric NOT NULL,
    gcash_share          numeric NOT NULL,
    maya_share           numeric NOT NULL,
    card_share           numeric NOT NULL,
    other_payment_share  numeric NOT NULL,
    campaign_share       numeric NOT NULL,
    as_of_date           date    NOT NULL,
    PRIMARY KEY (tenant_id, cluster_id)
);

CREATE TABLE scout.platinum_customer_segments (
    customer_id    text    PRIMARY KEY,
    tenant_id      text    NOT NULL DEFAULT 'default',
    rfm_segment    text    NOT NULL,
    basket_cluster integer NOT NULL,
    basket_label   text    NOT NULL,
    basket_share   numeric NOT NULL,
    segment        text    NOT NULL,
    as_of_date     date    NOT NULL
);

-- anon: nothing. authenticated: SELECT, own tenant only. service_role: everything.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['platinum_basket_clusters', 'platinum_basket_cluster_profiles', 'platinum_customer_segments'] LOOP
    EXECUTE format('ALTER TABLE scout.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE scout.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE ALL ON scout.%I FROM PUBLIC, anon, authenticated', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON scout.%I TO service_role', t);
    EXECUTE format('GRANT SELECT ON scout.%I TO authenticated', t);
    EXECUTE format('CREATE POLICY service_all ON scout.%I TO service_role USING (true) WITH CHECK (true)', t);
    EXECUTE format('CREATE POLICY tenant_read ON scout.%I FOR SELECT TO authenticated USING (tenant_id = scout.current_tenant())', t);
  END LOOP;
END $$;
