using System.Globalization;
using Npgsql;
using Xunit;

namespace Lakehouse.Testing;

/// <summary>
/// A fresh, empty database on the test server for one test class (<c>IClassFixture&lt;PostgresDatabase&gt;</c>),
/// dropped when the class is done. Nothing is mocked: it is a real PostgreSQL 15 with PostGIS available.
/// </summary>
public class PostgresDatabase : IAsyncLifetime
{
    private static int s_counter;

    /// <summary>The database's name, unique for this test run.</summary>
    public string Name { get; } = string.Create(CultureInfo.InvariantCulture,
        $"lh_test_{Environment.ProcessId}_{Interlocked.Increment(ref s_counter)}_{Guid.NewGuid().ToString("N")[..6]}");

    /// <summary>A superuser connection string to this database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A data source over this database, as a superuser.</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Opens a fresh connection as the superuser.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync() => DataSource.OpenConnectionAsync();

    /// <summary>Runs SQL and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql);
        object? value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Runs SQL for its effect.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        PostgresServer server = PostgresServer.Instance;
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = server.ConnectionStringFor(Name);
        DataSource = CreateDataSource(new NpgsqlDataSourceBuilder(ConnectionString));
    }

    /// <summary>Builds the data source; override to add plugins such as NetTopologySuite.</summary>
    protected virtual NpgsqlDataSource CreateDataSource(NpgsqlDataSourceBuilder builder) => builder.Build();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.Instance.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
