-- What we mean Odoo to hold (seeded by the operator or by our own systems), keyed by our reference.
CREATE TABLE odoo_seed.seed_projects (
    external_ref text PRIMARY KEY,
    name         text NOT NULL
);
CREATE TABLE odoo_seed.seed_tasks (
    external_ref         text PRIMARY KEY,
    project_external_ref text REFERENCES odoo_seed.seed_projects (external_ref),
    name                 text NOT NULL
);

-- What Odoo actually holds: snapshots pulled through JSON-RPC (search_read), keyed by Odoo id.
CREATE TABLE odoo_seed.shadow_projects (
    instance   text        NOT NULL,
    odoo_id    bigint      NOT NULL,
    name       text        NOT NULL,
    active     boolean     NOT NULL DEFAULT true,
    write_date timestamp   NOT NULL,
    raw        jsonb       NOT NULL,
    synced_at  timestamptz NOT NULL,
    PRIMARY KEY (instance, odoo_id)
);
CREATE TABLE odoo_seed.shadow_tasks (
    instance        text        NOT NULL,
    odoo_id         bigint      NOT NULL,
    project_odoo_id bigint,
    name            text        NOT NULL,
    stage           text,
    active          boolean     NOT NULL DEFAULT true,
    write_date      timestamp   NOT NULL,
    raw             jsonb       NOT NULL,
    synced_at       timestamptz NOT NULL,
    PRIMARY KEY (instance, odoo_id)
);
-- Finance shadow of account.move (invoices, bills, entries).
CREATE TABLE odoo_seed.shadow_account_moves (
    instance     text          NOT NULL,
    odoo_id      bigint        NOT NULL,
    name         text          NOT NULL,
    move_type    text,
    state        text,
    partner_name text,
    invoice_date date,
    amount_total numeric(18, 2),
    currency     text,
    write_date   timestamp     NOT NULL,
    raw          jsonb         NOT NULL,
    synced_at    timestamptz   NOT NULL,
    PRIMARY KEY (instance, odoo_id)
);

-- Drift: seed vs shadow, matched through odoo.entity_mappings (model project.project / project.task).
CREATE VIEW odoo_seed.v_missing_in_odoo WITH (security_invoker = true) AS
    SELECT 'project.project'::text AS model, s.external_ref, s.name
    FROM odoo_seed.seed_projects s
    WHERE NOT EXISTS (
        SELECT 1 FROM odoo.entity_mappings m
        JOIN odoo_seed.shadow_projects p ON p.instance = m.instance AND p.odoo_id = m.odoo_id AND p.active
        WHERE m.model = 'project.project' AND m.external_ref = s.external_ref)
    UNION ALL
    SELECT 'project.task', s.external_ref, s.name
    FROM odoo_seed.seed_tasks s
    WHERE NOT EXISTS (
        SELECT 1 FROM odoo.entity_mappings m
        JOIN odoo_seed.shadow_tasks t ON t.instance = m.instance AND t.odoo_id = m.odoo_id AND t.active
        WHERE m.model = 'project.task' AND m.external_ref = s.external_ref);

CREATE VIEW odoo_seed.v_orphan_in_odoo WITH (security_invoker = true) AS
    SELECT 'project.project'::text AS model, p.instance, p.odoo_id, p.name
    FROM odoo_seed.shadow_projects p
    WHERE p.active AND NOT EXISTS (
        SELECT 1 FROM odoo.entity_mappings m
        JOIN odoo_seed.seed_projects s ON s.external_ref = m.external_ref
        WHERE m.model = 'project.project' AND m.instance = p.instance AND m.odoo_id = p.odoo_id)
    UNION ALL
    SELECT 'project.task', t.instance, t.odoo_id, t.name
    FROM odoo_seed.shadow_tasks t
    WHERE t.active AND NOT EXISTS (
        SELECT 1 FROM odoo.entity_mappings m
        JOIN odoo_seed.seed_tasks s ON s.external_ref = m.external_ref
        WHERE m.model = 'project.task' AND m.instance = t.instance AND m.odoo_id = t.odoo_id);

CREATE VIEW odoo_seed.v_name_drift WITH (security_invoker = true) AS
    SELECT 'project.project'::text AS model, s.external_ref, p.instance, p.odoo_id, s.name AS seed_name, p.name AS odoo_name
    FROM odoo_seed.seed_projects s
    JOIN odoo.entity_mappings m ON m.model = 'project.project' AND m.external_ref = s.external_ref
    JOIN odoo_seed.shadow_projects p ON p.instance = m.instance AND p.odoo_id = m.odoo_id
    WHERE p.name IS DISTINCT FROM s.name
    UNION ALL
    SELECT 'project.task', s.external_ref, t.instance, t.odoo_id, s.name, t.name
    FROM odoo_seed.seed_tasks s
    JOIN odoo.entity_mappings m ON m.model = 'project.task' AND m.external_ref = s.external_ref
    JOIN odoo_seed.shadow_tasks t ON t.instance = m.instance AND t.odoo_id = m.odoo_id
    WHERE t.name IS DISTINCT FROM s.name;

-- Asset catalog: every Odoo model and Scout view the platform knows, by FQDN system.db.model.
CREATE TABLE catalog.assets (
    fqdn          text        PRIMARY KEY CHECK (fqdn ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$'),
    asset_type    text        NOT NULL CHECK (asset_type IN ('odoo_model', 'scout_table', 'scout_view', 'dataset')),
    metadata      jsonb       NOT NULL DEFAULT '{}',
    registered_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['odoo_seed.seed_projects', 'odoo_seed.seed_tasks', 'odoo_seed.shadow_projects',
                           'odoo_seed.shadow_tasks', 'odoo_seed.shadow_account_moves', 'catalog.assets'] LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY service_all ON %s TO service_role USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;
GRANT USAGE ON SCHEMA odoo_seed, catalog TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA odoo_seed, catalog TO service_role;
-- Drift views run with the caller's rights (security_invoker), so row-level security applies through them.
REVOKE ALL ON odoo_seed.v_missing_in_odoo, odoo_seed.v_orphan_in_odoo, odoo_seed.v_name_drift FROM PUBLIC;
