using Lakehouse.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Ingest.Tests.Hashing;

/// <summary>
/// PostgreSQL as the oracle: many inputs per round trip. Each input goes in as bytea and is decoded by
/// <c>convert_from</c>, so invalid UTF-8 meets PostgreSQL's own encoding check; a PL/pgSQL wrapper turns any
/// error into null so one bad input does not fail the batch.
/// </summary>
internal static class JsonbOracle
{
    private const string CreateFunction = """
        CREATE OR REPLACE FUNCTION pg_temp.jsonb_text_or_null(b bytea) RETURNS text LANGUAGE plpgsql AS $$
        BEGIN
            RETURN convert_from(b, 'UTF8')::jsonb::text;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$;
        """;

    private const string Query = """
        SELECT t, encode(sha256(convert_to(t, 'UTF8')), 'hex')
        FROM (SELECT ord, pg_temp.jsonb_text_or_null(b) AS t FROM unnest($1::bytea[]) WITH ORDINALITY AS u(b, ord)) AS s
        ORDER BY ord
        """;

    /// <summary>For each input, PostgreSQL's jsonb text and its hash, or (null, null) when PostgreSQL refuses it.</summary>
    public static IReadOnlyList<(string? Text, string? Hash)> Evaluate(PostgresDatabase db, IReadOnlyList<byte[]> inputs)
    {
        using NpgsqlConnection connection = db.DataSource.OpenConnection();
        using (var create = new NpgsqlCommand(CreateFunction, connection))
        {
            create.ExecuteNonQuery();
        }

        using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = inputs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        var results = new List<(string?, string?)>(inputs.Count);
        using NpgsqlDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            results.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return results;
    }

    /// <summary>PostgreSQL's jsonb text of one input, or null when it refuses it.</summary>
    public static string? TextOf(PostgresDatabase db, byte[] input) => Evaluate(db, [input])[0].Text;
}
