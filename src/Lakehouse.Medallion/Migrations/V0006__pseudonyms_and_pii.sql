-- Pseudonymous customers and encrypted contact details (issue 10, items 1 and 2).
-- From silver on customer_id holds a pseudonym 'c:<key id>:<base32 HMAC-SHA256>' made in the SDK; the raw id stays in
-- bronze (service_role only, see V0004). Contact fields are AES-256-GCM ciphertexts made in the SDK
-- (version | nonce | tag | ciphertext): the key never reaches the database.

ALTER TABLE scout.dim_customer
    ADD COLUMN mobile_enc         bytea,
    ADD COLUMN email_enc          bytea,
    ADD COLUMN name_enc           bytea,
    ADD COLUMN contact_updated_at timestamptz;

COMMENT ON COLUMN scout.dim_customer.customer_id IS 'pseudonym c:<key id>:<base32 HMAC-SHA256 of the normalized identifier>, not personal data without the tenant key';
COMMENT ON COLUMN scout.dim_customer.mobile_enc IS 'pii: mobile number (E.164), AES-256-GCM ciphertext version|nonce|tag|ciphertext, key held by the SDK';
COMMENT ON COLUMN scout.dim_customer.email_enc IS 'pii: e-mail address, AES-256-GCM ciphertext version|nonce|tag|ciphertext, key held by the SDK';
COMMENT ON COLUMN scout.dim_customer.name_enc IS 'pii: customer name, AES-256-GCM ciphertext version|nonce|tag|ciphertext, key held by the SDK';

-- authenticated keeps reading the non-personal columns of its own tenant's customers (policy tenant_read, V0003);
-- the contact columns are left out of its column grant. anon and edge_uploader get nothing.
REVOKE ALL ON scout.dim_customer FROM PUBLIC, anon, authenticated, edge_uploader;
GRANT SELECT (customer_id, tenant_id, customer_type, first_purchase_date, last_purchase_date, created_at, updated_at)
    ON scout.dim_customer TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON scout.dim_customer TO service_role;

-- The key id each tenant's pseudonyms are made with: a runner configured with another key refuses to run, so a
-- tenant's history is never split between two keys; CustomerKeyRotation moves it (operational: service_role only).
CREATE TABLE scout.customer_pseudonym_keys (
    tenant_id  text        PRIMARY KEY,
    key_id     text        NOT NULL,
    since      timestamptz NOT NULL,
    rotated_at timestamptz
);

ALTER TABLE scout.customer_pseudonym_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE scout.customer_pseudonym_keys FORCE ROW LEVEL SECURITY;
REVOKE ALL ON scout.customer_pseudonym_keys FROM PUBLIC, anon, authenticated, edge_uploader;
GRANT SELECT, INSERT, UPDATE, DELETE ON scout.customer_pseudonym_keys TO service_role;
CREATE POLICY service_all ON scout.customer_pseudonym_keys TO service_role USING (true) WITH CHECK (true);

-- Bronze keeps the raw customer ids: make sure no role but service_role reads it (V0004 revoked; this repeats it for
-- the view and the rejects, whatever grants were added since).
REVOKE ALL ON scout.bronze_transactions, scout.bronze_rejects FROM PUBLIC, anon, authenticated;
REVOKE ALL ON scout.v_bronze_transactions FROM PUBLIC, anon, authenticated, edge_uploader;
COMMENT ON COLUMN scout.bronze_transactions.raw IS 'pii: the event as received, with the raw customer_id (mobile number, e-mail or loyalty code); service_role only';
