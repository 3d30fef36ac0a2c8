-- The scout schema's dimensions, silver, gold and platinum layers (names follow the source design's DBML where
-- they fit). Money is numeric without a type modifier: exact, never rounded on the way in, so every gold figure
-- equals the same sum computed over silver, to the centavo and beyond.

-- The tenant a session acts for: set by the host per request (SET lakehouse.tenant_id = '…').
CREATE FUNCTION scout.current_tenant() RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('lakehouse.tenant_id', true), '') $$;

-- ---------------------------------------------------------------- dimensions
CREATE TABLE scout.dim_store (
    store_id        text        PRIMARY KEY,
    tenant_id       text        NOT NULL DEFAULT 'default',
    store_name      text,
    region          text,
    province        text,
    city            text,
    barangay        text,
    region_psgc     text,
    province_psgc   text,
    citymun_psgc    text,
    geo_status      text,
    latitude        numeric(10, 8),
    longitude       numeric(11, 8),
    is_active       boolean     NOT NULL DEFAULT true,
    first_seen_date date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dim_store_citymun ON scout.dim_store (citymun_psgc);

CREATE TABLE scout.dim_product (
    product_id   text        PRIMARY KEY,
    tenant_id    text        NOT NULL DEFAULT 'default',
    product_name text,
    category     text        CHECK (category IN ('beverages', 'snacks', 'personal_care', 'household', 'tobacco', 'other')),
    brand        text,
    is_active    boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dim_product_brand ON scout.dim_product (brand);

CREATE TABLE scout.dim_customer (
    customer_id         text        PRIMARY KEY,
    tenant_id           text        NOT NULL DEFAULT 'default',
    customer_type       text        CHECK (customer_type IN ('new', 'returning', 'vip', 'churned')),
    first_purchase_date date,
    last_purchase_date  date,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scout.dim_campaign (
    campaign_id   text        PRIMARY KEY,
    tenant_id     text        NOT NULL DEFAULT 'default',
    campaign_name text,
    campaign_type text        CHECK (campaign_type IN ('promo', 'seasonal', 'loyalty', 'flash_sale', 'bundle')),
    start_date    date,
    end_date      date,
    is_active     boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scout.dim_date (
    date_key     date    PRIMARY KEY,
    year         integer NOT NULL,
    quarter      integer NOT NULL,
    month        integer NOT NULL,
    week         integer NOT NULL,
    day_of_month integer NOT NULL,
    day_of_week  integer NOT NULL,
    day_name     text    NOT NULL,
    month_name   text    NOT NULL,
    is_weekend   boolean NOT NULL,
    is_holiday   boolean NOT NULL DEFAULT false,
    holiday_name text
);
INSERT INTO scout.dim_date (date_key, year, quarter, month, week, day_of_month, day_of_week, day_name, month_name, is_weekend)
SELECT d, extract(year FROM d), extract(quarter FROM d), extract(month FROM d), extract(week FROM d),
       extract(day FROM d), extract(isodow FROM d), trim(to_char(d, 'Day')), trim(to_char(d, 'Month')),
       extract(isodow FROM d) >= 6
FROM generate_series(date '2020-01-01', date '2040-12-31', interval '1 day') AS g(d);

-- ---------------------------------------------------------------- silver
CREATE TABLE scout.silver_transactions (
    store_id         text        NOT NULL,
    transaction_id   text        NOT NULL,
    tenant_id        text        NOT NULL DEFAULT 'default',
    bronze_id        bigint      NOT NULL,
    event_hash       bytea       NOT NULL,
    device_id        text,
    ts               timestamptz NOT NULL,
    date_key         date        NOT NULL,
    time_of_day      text        NOT NULL CHECK (time_of_day IN ('morning', 'afternoon', 'evening', 'night')),
    customer_id      text,
    customer_type    text,
    total_amount     numeric     NOT NULL,
    discount_amount  numeric     NOT NULL DEFAULT 0,
    net_amount       numeric     NOT NULL,
    peso_value       numeric     NOT NULL,
    payment_method   text,
    item_count       integer     NOT NULL,
    unique_products  integer     NOT NULL,
    units            numeric     NOT NULL,
    campaign_id      text,
    handshake_score  numeric,
    region_psgc      text,
    province_psgc    text,
    citymun_psgc     text,
    geo_status       text        NOT NULL,
    quality_score    numeric(3, 2) NOT NULL,
    quality_flags    text[]      NOT NULL DEFAULT '{}',
    processed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, transaction_id)
);
CREATE INDEX silver_transactions_date ON scout.silver_transactions (date_key, store_id);
CREATE INDEX silver_transactions_customer ON scout.silver_transactions (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE scout.silver_line_items (
    store_id        text    NOT NULL,
    transaction_id  text    NOT NULL,
    line_no         integer NOT NULL,
    tenant_id       text    NOT NULL DEFAULT 'default',
    date_key        date    NOT NULL,
    product_id      text    NOT NULL,
    brand           text,
    category        text,
    quantity        numeric NOT NULL,
    unit_price      numeric NOT NULL,
    line_amount     numeric NOT NULL,
    discount_amount numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, transaction_id, line_no),
    FOREIGN KEY (store_id, transaction_id) REFERENCES scout.silver_transactions (store_id, transaction_id)
);
CREATE INDEX silver_line_items_product ON scout.silver_line_items (product_id, date_key);

-- Bronze rows that could not become silver, with the reason; never dropped silently.
CREATE TABLE scout.silver_quarantine (
    bronze_id      bigint      PRIMARY KEY,
    store_id       text,
    transaction_id text,
    reason         text        NOT NULL,
    detail         text,
    quarantined_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- gold (every measure mergeable)
CREATE TABLE scout.gold_daily_metrics (
    store_id              text    NOT NULL,
    date_key              date    NOT NULL,
    tenant_id             text    NOT NULL DEFAULT 'default',
    transaction_count     bigint  NOT NULL,
    total_sales           numeric NOT NULL,
    total_discount        numeric NOT NULL,
    net_sales             numeric NOT NULL,
    unique_customers      bigint  NOT NULL,
    new_customers         bigint  NOT NULL,
    returning_customers   bigint  NOT NULL,
    vip_customers         bigint  NOT NULL,
    units_sold            numeric NOT NULL,
    avg_basket_size       numeric NOT NULL,
    avg_transaction_value numeric NOT NULL,
    morning_sales         numeric NOT NULL,
    afternoon_sales       numeric NOT NULL,
    evening_sales         numeric NOT NULL,
    night_sales           numeric NOT NULL,
    campaign_transactions bigint  NOT NULL,
    campaign_sales        numeric NOT NULL,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, date_key)
);
CREATE INDEX gold_daily_metrics_date ON scout.gold_daily_metrics (date_key);

-- Distinct customers kept exactly per store and day, so unique/new/returning counts merge without error.
CREATE TABLE scout.gold_store_day_customers (
    store_id     text    NOT NULL,
    date_key     date    NOT NULL,
    customer_id  text    NOT NULL,
    tenant_id    text    NOT NULL DEFAULT 'default',
    is_new       boolean NOT NULL,
    is_returning boolean NOT NULL,
    is_vip       boolean NOT NULL,
    PRIMARY KEY (store_id, date_key, customer_id)
);

-- Per store, day and place: the mergeable base of the region and province choropleth metrics.
CREATE TABLE scout.gold_geo_store_daily (
    store_id          text    NOT NULL,
    date_key          date    NOT NULL,
    region_psgc       text    NOT NULL,
    province_psgc     text    NOT NULL,
    tenant_id         text    NOT NULL DEFAULT 'default',
    transaction_count bigint  NOT NULL,
    peso_total        numeric NOT NULL,
    PRIMARY KEY (store_id, date_key, region_psgc, province_psgc)
);

CREATE TABLE scout.gold_product_store_daily (
    product_id text    NOT NULL,
    store_id   text    NOT NULL,
    date_key   date    NOT NULL,
    tenant_id  text    NOT NULL DEFAULT 'default',
    units      numeric NOT NULL,
    revenue    numeric NOT NULL,
    PRIMARY KEY (product_id, store_id, date_key)
);

-- ---------------------------------------------------------------- platinum (recomputed from gold and silver)
CREATE TABLE scout.platinum_customer_rfm (
    customer_id    text    PRIMARY KEY,
    tenant_id      text    NOT NULL DEFAULT 'default',
    as_of_date     date    NOT NULL,
    recency_days   integer NOT NULL,
    frequency      bigint  NOT NULL,
    monetary       numeric NOT NULL,
    r_score        integer NOT NULL,
    f_score        integer NOT NULL,
    m_score        integer NOT NULL,
    segment        text    NOT NULL
);

CREATE TABLE scout.platinum_product_velocity (
    product_id  text    NOT NULL,
    scope       text    NOT NULL CHECK (scope IN ('store', 'region')),
    scope_id    text    NOT NULL,
    tenant_id   text    NOT NULL DEFAULT 'default',
    as_of_date  date    NOT NULL,
    units_7d    numeric NOT NULL,
    units_30d   numeric NOT NULL,
    PRIMARY KEY (product_id, scope, scope_id)
);

CREATE TABLE scout.platinum_store_anomalies (
    store_id   text    NOT NULL,
    date_key   date    NOT NULL,
    tenant_id  text    NOT NULL DEFAULT 'default',
    net_sales  numeric NOT NULL,
    median     numeric,
    mad        numeric,
    robust_z   numeric,
    is_anomaly boolean NOT NULL,
    PRIMARY KEY (store_id, date_key)
);

-- One row per entity and feature: the shape ML consumers ask for.
CREATE TABLE scout.platinum_features (
    entity_type text    NOT NULL,
    entity_id   text    NOT NULL,
    feature     text    NOT NULL,
    tenant_id   text    NOT NULL DEFAULT 'default',
    value       numeric,
    label       text,
    as_of_date  date    NOT NULL,
    PRIMARY KEY (entity_type, entity_id, feature)
);

-- ---------------------------------------------------------------- run state and data quality
CREATE TABLE scout.medallion_watermarks (
    pipeline       text        PRIMARY KEY,
    last_bronze_id bigint      NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE scout.dq_results (
    id         bigserial   PRIMARY KEY,
    checked_at timestamptz NOT NULL,
    check_name text        NOT NULL,
    passed     boolean     NOT NULL,
    value      numeric,
    threshold  numeric,
    detail     text
);
