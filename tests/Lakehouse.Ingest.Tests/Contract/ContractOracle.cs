using Lakehouse.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Ingest.Tests.Contract;

/// <summary>
/// PostgreSQL as an independent oracle for a whole line: its <c>jsonb</c> text and hash (or a refusal), and whether
/// the jsonb value keeps DESIGN.md's "Transaction event" rules, written here in SQL over the jsonb value, so that
/// duplicate keys, escapes and number spellings are resolved by PostgreSQL and not by the code under test.
/// </summary>
internal static class ContractOracle
{
    private const string Functions = """
        CREATE OR REPLACE FUNCTION pg_temp.jsonb_or_null(b bytea) RETURNS jsonb LANGUAGE plpgsql AS $$
        BEGIN
            RETURN convert_from(b, 'UTF8')::jsonb;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$;

        CREATE OR REPLACE FUNCTION pg_temp.ts_ok(t text) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            IF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN
                RETURN false;
            END IF;
            PERFORM t::timestamptz;
            RETURN true;
        EXCEPTION WHEN others THEN
            RETURN false;
        END $$;

        CREATE OR REPLACE FUNCTION pg_temp.kind(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT coalesce(jsonb_typeof(v), 'null')
        $$;

        CREATE OR REPLACE FUNCTION pg_temp.contract_ok(j jsonb, ceiling numeric) RETURNS boolean LANGUAGE plpgsql AS $$
        DECLARE
            k text;
            e jsonb;
        BEGIN
            IF jsonb_typeof(j) <> 'object' THEN RETURN false; END IF;
            IF pg_temp.kind(j->'store_id') <> 'string' OR j->>'store_id' = '' THEN RETURN false; END IF;
            IF pg_temp.kind(j->'peso_value') <> 'number' THEN RETURN false; END IF;
            IF (j->'peso_value')::numeric < 0 OR (j->'peso_value')::numeric >= ceiling THEN RETURN false; END IF;
            FOREACH k IN ARRAY ARRAY['transaction_id', 'device_id', 'customer_id', 'campaign_id', 'ts', 'payment_method', 'customer_type'] LOOP
                IF pg_temp.kind(j->k) NOT IN ('string', 'null') THEN RETURN false; END IF;
            END LOOP;
            IF pg_temp.kind(j->'ts') = 'string' AND NOT pg_temp.ts_ok(j->>'ts') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'payment_method') = 'string' AND j->>'payment_method' NOT IN ('cash', 'gcash', 'maya', 'card', 'other') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'customer_type') = 'string' AND j->>'customer_type' NOT IN ('new', 'returning', 'vip', 'churned') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'handshake_score') NOT IN ('number', 'null') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'handshake_score') = 'number'
               AND ((j->'handshake_score')::numeric < 0 OR (j->'handshake_score')::numeric > 1) THEN RETURN false; END IF;
            IF pg_temp.kind(j->'location') NOT IN ('object', 'null') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'location') = 'object' THEN
                FOREACH k IN ARRAY ARRAY['region', 'province', 'city', 'barangay'] LOOP
                    IF pg_temp.kind(j->'location'->k) NOT IN ('string', 'null') THEN RETURN false; END IF;
                END LOOP;
            END IF;
            IF pg_temp.kind(j->'items') NOT IN ('array', 'null') THEN RETURN false; END IF;
            IF pg_temp.kind(j->'items') = 'array' THEN
                FOR e IN SELECT value FROM jsonb_array_elements(j->'items') LOOP
                    IF jsonb_typeof(e) <> 'object' THEN RETURN false; END IF;
                    FOREACH k IN ARRAY ARRAY['sku', 'product_id', 'brand', 'category'] LOOP
                        IF pg_temp.kind(e->k) NOT IN ('string', 'null') THEN RETURN false; END IF;
                    END LOOP;
                    FOREACH k IN ARRAY ARRAY['qty', 'unit_price', 'discount'] LOOP
                        IF pg_temp.kind(e->k) NOT IN ('number', 'null') THEN RETURN false; END IF;
                    END LOOP;
                    IF pg_temp.kind(e->'sku') <> 'string' AND pg_temp.kind(e->'product_id') <> 'string' THEN RETURN false; END IF;
                    IF pg_temp.kind(e->'category') = 'string'
                       AND e->>'category' NOT IN ('beverages', 'snacks', 'personal_care', 'household', 'tobacco', 'other') THEN RETURN false; END IF;
                    IF pg_temp.kind(e->'qty') = 'number' AND (e->'qty')::numeric <= 0 THEN RETURN false; END IF;
                    IF pg_temp.kind(e->'unit_price') = 'number'
                       AND ((e->'unit_price')::numeric < 0 OR (e->'unit_price')::numeric >= ceiling) THEN RETURN false; END IF;
                    IF pg_temp.kind(e->'discount') = 'number' AND (e->'discount')::numeric < 0 THEN RETURN false; END IF;
                END LOOP;
            END IF;
            RETURN true;
        END $$;
        """;

    private const string Query = """
        SELECT j::text, encode(sha256(convert_to(j::text, 'UTF8')), 'hex'), j IS NOT NULL AND pg_temp.contract_ok(j, $2)
        FROM (SELECT ord, pg_temp.jsonb_or_null(b) AS j FROM unnest($1::bytea[]) WITH ORDINALITY AS u(b, ord)) AS s
        ORDER BY ord
        """;

    /// <summary>For each line: PostgreSQL's jsonb text and hash (null when it refuses the line) and the contract verdict.</summary>
    public static IReadOnlyList<(string? Text, string? Hash, bool Valid)> Evaluate(PostgresDatabase db, IReadOnlyList<byte[]> lines, decimal maxPesoValue)
    {
        using NpgsqlConnection connection = db.DataSource.OpenConnection();
        using (var create = new NpgsqlCommand(Functions, connection))
        {
            create.ExecuteNonQuery();
        }

        using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = lines.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = maxPesoValue, NpgsqlDbType = NpgsqlDbType.Numeric });
        var results = new List<(string?, string?, bool)>(lines.Count);
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            results.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2)));
        }

        return results;
    }
}
