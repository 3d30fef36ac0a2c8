using System.Data;
using System.Globalization;
using Npgsql;
using Npgsql.PostgresTypes;
using Npgsql.Schema;

namespace Lakehouse.Publisher.Export;

/// <summary>A column of the source as PostgreSQL describes it.</summary>
internal sealed record LiveColumn(string Name, string TypeName, DatasetColumnType? Type, int? Precision, int? Scale, bool? AllowNull)
{
    /// <summary>When the column is a base column whose comment starts with <c>pii:</c>: <c>schema.table.column ('comment')</c>.</summary>
    public string? Pii { get; init; }

    public string PiiProblem => $"column '{Name}' is personal data in the database ({Pii}) and may not be exported";

    public string Spelled => Type == DatasetColumnType.Numeric && Precision is not null
        ? string.Create(CultureInfo.InvariantCulture, $"numeric({Precision},{Scale})")
        : TypeName;
}

/// <summary>Reads the live columns of a table or query with a zero-row, schema-only query and compares them with a declaration.</summary>
internal static class LiveSchema
{
    public static string SourceSql(DatasetDefinition definition) =>
        definition.IsQuery ? "(" + definition.Source + ")" : definition.Source;

    public static async Task<IReadOnlyList<LiveColumn>> DescribeAsync(
        NpgsqlDataSource dataSource, DatasetDefinition definition, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = connection.ConfigureAwait(false);
        using var command = new NpgsqlCommand("SELECT * FROM " + SourceSql(definition) + " AS s LIMIT 0", connection);
        // KeyInfo makes Npgsql look the base columns up in pg_attribute, which is what reveals NOT NULL.
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly | CommandBehavior.KeyInfo, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var columns = new List<LiveColumn>();
            var bases = new List<(uint Table, int Attribute)>();
            foreach (NpgsqlDbColumn column in await reader.GetColumnSchemaAsync(cancellationToken).ConfigureAwait(false))
            {
                bases.Add((column.TableOID, column.ColumnAttributeNumber ?? 0));
                PostgresType? type = column.PostgresType;
                string internalName = type?.InternalName ?? "unknown";
                DatasetColumnType? mapped = type is PostgresEnumType ? DatasetColumnType.Text : Map(internalName);
                columns.Add(new LiveColumn(
                    column.ColumnName,
                    type?.DisplayName ?? internalName,
                    mapped,
                    mapped == DatasetColumnType.Numeric ? column.NumericPrecision : null,
                    mapped == DatasetColumnType.Numeric ? column.NumericScale : null,
                    column.BaseColumnName is null ? null : column.AllowDBNull));
            }

            await reader.CloseAsync().ConfigureAwait(false);
            return await MarkPiiAsync(connection, columns, bases, cancellationToken).ConfigureAwait(false);
        }
    }

    // A column taken straight from a base column commented 'pii: …' (the family's convention for personal data,
    // encrypted or not) is personal data whatever the dataset declares. Expressions over such a column are not traced.
    private static async Task<List<LiveColumn>> MarkPiiAsync(
        NpgsqlConnection connection, List<LiveColumn> columns, List<(uint Table, int Attribute)> bases, CancellationToken cancellationToken)
    {
        if (!bases.Exists(static b => b.Table != 0 && b.Attribute > 0))
        {
            return columns;
        }

        using var command = new NpgsqlCommand("""
            SELECT x.i, format('%s.%I (%L)', x.t::regclass, a.attname, col_description(x.t, x.a))
            FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS x(t, a, i)
            JOIN pg_attribute a ON a.attrelid = x.t AND a.attnum = x.a
            WHERE col_description(x.t, x.a) ILIKE 'pii:%'
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = bases.Select(static b => b.Table).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid });
        command.Parameters.Add(new NpgsqlParameter { Value = bases.Select(static b => b.Attribute).ToArray() });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                int index = (int)reader.GetInt64(0) - 1;
                columns[index] = columns[index] with { Pii = reader.GetString(1) };
            }
        }

        return columns;
    }

    public static DatasetColumnType? Map(string internalName) => internalName switch
    {
        "text" or "varchar" or "bpchar" or "citext" or "name" => DatasetColumnType.Text,
        "int4" => DatasetColumnType.Int4,
        "int8" => DatasetColumnType.Int8,
        "float8" => DatasetColumnType.Float8,
        "bool" => DatasetColumnType.Boolean,
        "date" => DatasetColumnType.Date,
        "timestamptz" => DatasetColumnType.TimestampUtc,
        "numeric" => DatasetColumnType.Numeric,
        _ => null,
    };

    /// <summary>Every difference between the declaration and the live columns, one line each; empty when they agree.</summary>
    public static List<string> Compare(DatasetDefinition definition, IReadOnlyList<LiveColumn> live)
    {
        var problems = new List<string>();
        var byName = new Dictionary<string, LiveColumn>(StringComparer.Ordinal);
        foreach (LiveColumn column in live)
        {
            byName[column.Name] = column;
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetColumn column in definition.Columns)
        {
            declared.Add(column.Name);
            if (!byName.TryGetValue(column.Name, out LiveColumn? actual))
            {
                problems.Add($"column '{column.Name}': declared {column.SqlTypeName()}, missing from the source");
                continue;
            }

            if (actual.Type != column.Type)
            {
                problems.Add($"column '{column.Name}': declared {column.SqlTypeName()}, live {actual.Spelled}");
            }
            else if (column.Type == DatasetColumnType.Numeric && (actual.Precision != column.Precision || actual.Scale != column.Scale))
            {
                problems.Add(actual.Precision is null
                    ? $"column '{column.Name}': declared {column.SqlTypeName()}, live numeric without precision (cast it in the source, e.g. ::{column.SqlTypeName()})"
                    : $"column '{column.Name}': declared {column.SqlTypeName()}, live {actual.Spelled}");
            }

            if (!column.IsNullable && actual.AllowNull == true)
            {
                problems.Add($"column '{column.Name}': declared NOT NULL, live nullable");
            }
        }

        foreach (LiveColumn column in live)
        {
            if (column.Pii is not null)
            {
                problems.Add(column.PiiProblem);
            }

            if (!declared.Contains(column.Name))
            {
                problems.Add($"column '{column.Name}': live {column.Spelled}, not declared");
            }
        }

        return problems;
    }

    /// <summary>A declaration taken from the live columns, for ad-hoc exports of a query.</summary>
    public static List<DatasetColumn> Infer(IReadOnlyList<LiveColumn> live)
    {
        var columns = new List<DatasetColumn>(live.Count);
        var problems = new List<string>();
        foreach (LiveColumn column in live)
        {
            if (column.Pii is not null)
            {
                problems.Add(column.PiiProblem);
            }
            else if (column.Type is not DatasetColumnType type)
            {
                problems.Add($"column '{column.Name}': type {column.TypeName} is not exportable (cast it to text, integer, bigint, double precision, boolean, date, timestamptz or numeric(p,s))");
            }
            else if (type == DatasetColumnType.Numeric && (column.Precision is not int precision || precision > 28))
            {
                problems.Add($"column '{column.Name}': {column.Spelled} needs an explicit precision of at most 28 (cast it, e.g. ::numeric(18,4))");
            }
            else
            {
                columns.Add(new DatasetColumn(column.Name, type, column.AllowNull ?? true) { Precision = column.Precision ?? 0, Scale = column.Scale ?? 0 });
            }
        }

        if (problems.Count > 0)
        {
            throw new DatasetSchemaException("query", problems);
        }

        return columns;
    }
}
