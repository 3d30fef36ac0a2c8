-- Lakehouse.Ingest: bronze landing of transaction events, rejects, landing-zone files, ingestion status.

-- raw is the line exactly as received, stored as text rather than jsonb: PostgreSQL parses jsonb at roughly
-- 40 MB/s, while text + a precomputed hash through binary COPY loads about three times faster; the event hash
-- (SHA-256 of the jsonb text form, computed by the SDK) is the dedup key, and v_bronze_transactions parses on read.
CREATE TABLE scout.bronze_transactions (
    id             bigserial   PRIMARY KEY,
    store_id       text        NOT NULL,
    event_hash     bytea       NOT NULL CHECK (octet_length(event_hash) = 32),
    raw            text        NOT NULL,
    device_id      text,
    transaction_id text,
    source         text,
    source_line    bigint,
    source_offset  bigint,
    ingested_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bronze_transactions_store_event_key UNIQUE (store_id, event_hash)
);
CREATE INDEX bronze_transactions_ingested_at_idx ON scout.bronze_transactions (ingested_at);

CREATE VIEW scout.v_bronze_transactions AS
SELECT id, store_id, event_hash, raw::jsonb AS event, device_id, transaction_id, source, source_line, source_offset, ingested_at
FROM scout.bronze_transactions;

CREATE TABLE scout.bronze_rejects (
    id            bigserial   PRIMARY KEY,
    source        text        NOT NULL,
    line          bigint      NOT NULL,
    source_offset bigint      NOT NULL,
    reason        text        NOT NULL,
    field         text,
    message       text        NOT NULL,
    device_id     text,
    raw           bytea       NOT NULL,          -- the line's first bytes, bounded by BronzeLoaderOptions.MaxRejectBytes
    raw_sha256    bytea       NOT NULL,
    rejected_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bronze_rejects_source_line_key UNIQUE (source, source_offset, raw_sha256)
);

CREATE TABLE scout.landing_files (
    id          bigserial   PRIMARY KEY,
    path        text        NOT NULL,            -- relative to the landing root, '/'-separated
    sha256      bytea       NOT NULL,
    size_bytes  bigint      NOT NULL,
    device_id   text        NOT NULL,
    day         date        NOT NULL,
    lines       bigint      NOT NULL,
    inserted    bigint      NOT NULL,
    duplicates  bigint      NOT NULL,
    rejected    bigint      NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT landing_files_path_sha256_key UNIQUE (path, sha256)
);

-- A table, not a view: duplicates never reach bronze, so they can only be counted as they are dropped, in the
-- same transaction as the rows they accompany. day is the ingestion date in Philippine time.
CREATE TABLE scout.ingestion_status (
    device_id  text        NOT NULL,             -- '' when neither the event nor the source names a device
    day        date        NOT NULL,
    accepted   bigint      NOT NULL DEFAULT 0,
    duplicates bigint      NOT NULL DEFAULT 0,
    rejected   bigint      NOT NULL DEFAULT 0,
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (device_id, day)
);
