using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Medallion.Tests;

public sealed class RowLevelSecurityTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await MedallionSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("""
            INSERT INTO scout.dim_store (store_id, tenant_id, store_name) VALUES ('A1', 'tenant-a', 'Aling Nena'), ('B1', 'tenant-b', 'Mang Jose')
            ON CONFLICT DO NOTHING;
            INSERT INTO scout.silver_transactions (store_id, transaction_id, tenant_id, bronze_id, event_hash, ts, date_key, time_of_day,
                total_amount, net_amount, peso_value, item_count, unique_products, units, geo_status, quality_score)
            VALUES ('A1', 't1', 'tenant-a', 1, '\x00', now(), current_date, 'morning', 10, 10, 10, 0, 0, 0, 'missing', 1),
                   ('B1', 't2', 'tenant-b', 2, '\x01', now(), current_date, 'morning', 20, 20, 20, 0, 0, 0, 'missing', 1)
            ON CONFLICT DO NOTHING;
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> AsRole<T>(string role, string? tenant, Func<NpgsqlConnection, Task<T>> action)
    {
        await using NpgsqlConnection connection = await db.OpenAsync();
        await using (var setRole = new NpgsqlCommand($"SET ROLE {role}", connection))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        await using (var set = new NpgsqlCommand("SELECT set_config('lakehouse.tenant_id', $1, false)", connection))
        {
            set.Parameters.Add(new NpgsqlParameter { Value = tenant ?? "" });
            await set.ExecuteNonQueryAsync();
        }

        return await action(connection);
    }

    private static async Task<long> Count(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("scout.silver_transactions")]
    [InlineData("scout.gold_daily_metrics")]
    [InlineData("scout.platinum_customer_rfm")]
    [InlineData("scout.dim_store")]
    [InlineData("scout.gold_region_daily")]
    public async Task Anon_reads_nothing(string table)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole("anon", "tenant-a", c => Count(c, table)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Authenticated_reads_silver_and_up_of_its_own_tenant_only()
    {
        Assert.Equal(1L, await AsRole("authenticated", "tenant-a", c => Count(c, "scout.silver_transactions")));
        Assert.Equal("A1", await AsRole("authenticated", "tenant-a", async c =>
        {
            await using var command = new NpgsqlCommand("SELECT string_agg(store_id, ',') FROM scout.dim_store", c);
            return (string)(await command.ExecuteScalarAsync())!;
        }));
        Assert.Equal(1L, await AsRole("authenticated", "tenant-b", c => Count(c, "scout.silver_transactions")));
        Assert.Equal(0L, await AsRole("authenticated", null, c => Count(c, "scout.silver_transactions")));
    }

    [Theory]
    [InlineData("scout.silver_quarantine")]
    [InlineData("scout.medallion_watermarks")]
    public async Task Authenticated_cannot_read_operational_tables(string table)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole("authenticated", "tenant-a", c => Count(c, table)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Authenticated_cannot_write()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole("authenticated", "tenant-a", async c =>
        {
            await using var command = new NpgsqlCommand("UPDATE scout.silver_transactions SET peso_value = 0", c);
            return await command.ExecuteNonQueryAsync();
        }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Service_role_reads_and_writes_everything()
    {
        Assert.Equal(2L, await AsRole("service_role", null, c => Count(c, "scout.silver_transactions")));
        Assert.Equal(0L, await AsRole("service_role", null, c => Count(c, "scout.silver_quarantine")));
        Assert.Equal(1, await AsRole("service_role", null, async c =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO scout.dq_results (checked_at, check_name, passed) VALUES (now(), 'probe', true)", c);
            return await command.ExecuteNonQueryAsync();
        }));
    }

    [Fact]
    public async Task Edge_uploader_reads_nothing_above_bronze()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole("edge_uploader", "tenant-a", c => Count(c, "scout.silver_transactions")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Edge_uploader_inserts_into_bronze_but_cannot_read_it_back()
    {
        int inserted = await AsRole("edge_uploader", null, async c =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO scout.bronze_transactions (store_id, event_hash, raw) VALUES ('E1', sha256('x'::bytea), '{}')", c);
            return await command.ExecuteNonQueryAsync();
        });
        Assert.Equal(1, inserted);

        var read = await Assert.ThrowsAsync<PostgresException>(() => AsRole("edge_uploader", null, c => Count(c, "scout.bronze_transactions")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, read.SqlState);
        var rejects = await Assert.ThrowsAsync<PostgresException>(() => AsRole("edge_uploader", null, c => Count(c, "scout.bronze_rejects")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, rejects.SqlState);
    }

    [Theory]
    [InlineData("authenticated")]
    [InlineData("anon")]
    public async Task Only_service_role_reads_bronze(string role)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole(role, "tenant-a", c => Count(c, "scout.bronze_transactions")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.True(await AsRole("service_role", null, c => Count(c, "scout.bronze_transactions")) >= 0);
    }
}
