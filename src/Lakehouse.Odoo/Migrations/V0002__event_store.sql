-- Inbound Odoo webhooks, stored once per idempotency key (the body's event_id, else SHA-256 of the body).
CREATE TABLE odoo.webhook_events (
    id              bigserial   PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    received_at     timestamptz NOT NULL,
    available_at    timestamptz NOT NULL,
    leased_by       text,
    lease_expires_at timestamptz,
    completed_at    timestamptz,
    updated_at      timestamptz NOT NULL
);
-- The processor's lease query walks only unfinished events.
CREATE INDEX webhook_events_ready ON odoo.webhook_events (available_at, id) WHERE status IN ('pending', 'processing');

-- Audit: one row per state change of an event.
CREATE TABLE odoo.event_log (
    id          bigserial   PRIMARY KEY,
    event_id    bigint      NOT NULL REFERENCES odoo.webhook_events (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    from_status text,
    to_status   text        NOT NULL,
    attempt     integer     NOT NULL,
    worker      text,
    message     text
);
CREATE INDEX event_log_event ON odoo.event_log (event_id, id);

-- Where each incremental pull from Odoo stopped, per Odoo instance and model.
CREATE TABLE odoo.sync_cursors (
    instance        text        NOT NULL,
    model           text        NOT NULL,
    last_write_date timestamp   NOT NULL,
    last_id         bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (instance, model)
);

-- Odoo record id <-> our external reference, per instance and model, unique both ways.
CREATE TABLE odoo.entity_mappings (
    instance     text        NOT NULL,
    model        text        NOT NULL,
    odoo_id      bigint      NOT NULL,
    external_ref text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (instance, model, odoo_id),
    UNIQUE (instance, model, external_ref)
);

ALTER TABLE odoo.webhook_events  ENABLE ROW LEVEL SECURITY;
ALTER TABLE odoo.webhook_events  FORCE ROW LEVEL SECURITY;
ALTER TABLE odoo.event_log       ENABLE ROW LEVEL SECURITY;
ALTER TABLE odoo.event_log       FORCE ROW LEVEL SECURITY;
ALTER TABLE odoo.sync_cursors    ENABLE ROW LEVEL SECURITY;
ALTER TABLE odoo.sync_cursors    FORCE ROW LEVEL SECURITY;
ALTER TABLE odoo.entity_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE odoo.entity_mappings FORCE ROW LEVEL SECURITY;
GRANT USAGE ON SCHEMA odoo TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA odoo TO service_role;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA odoo TO service_role;
CREATE POLICY service_all ON odoo.webhook_events  TO service_role USING (true) WITH CHECK (true);
CREATE POLICY service_all ON odoo.event_log       TO service_role USING (true) WITH CHECK (true);
CREATE POLICY service_all ON odoo.sync_cursors    TO service_role USING (true) WITH CHECK (true);
CREATE POLICY service_all ON odoo.entity_mappings TO service_role USING (true) WITH CHECK (true);
