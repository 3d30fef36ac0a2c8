using System.Text.Json;
using Lakehouse.Ingest;
using Lakehouse.Testing;

namespace Lakehouse.Publisher.Tests;

/// <summary>Publish, rollback, export and subscription secrets are recorded in audit.events (never the secret itself).</summary>
public sealed class AuditTrailTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await PublisherSchema.MigrateAsync(db.DataSource);
        await TestData.CreateTablesAsync(db);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<(string Target, JsonElement Details)>> EventsAsync(string action)
    {
        var list = new List<(string, JsonElement)>();
        foreach (AuditEntry entry in (await new AuditLog(db.DataSource).ReadLatestAsync(action, 1000)).Reverse())
        {
            list.Add((entry.Target!, JsonDocument.Parse(entry.Details).RootElement.Clone()));
        }

        return list;
    }

    [Fact]
    public async Task PublishAsync_and_RollbackAsync_are_recorded_with_dataset_versions_and_previous()
    {
        var publisher = new DatasetPublisher(db.DataSource, new DatasetStore(TestData.TempDir()), new ParquetExporter(db.DataSource));
        await publisher.PublishAsync(TestData.Silver("1.0.0") with { Name = "audited" });
        await publisher.PublishAsync(TestData.Silver("1.0.1") with { Name = "audited" });
        await publisher.RollbackAsync("audited", "1.0.0");

        var published = (await EventsAsync(AuditActions.DatasetPublish)).Where(static e => e.Target.StartsWith("audited@", StringComparison.Ordinal)).ToList();
        var rolledBack = (await EventsAsync(AuditActions.DatasetRollback)).Where(static e => e.Target.StartsWith("audited@", StringComparison.Ordinal)).ToList();

        Assert.Equal(["audited@1.0.0", "audited@1.0.1"], published.Select(static e => e.Target));
        Assert.Equal(JsonValueKind.Null, published[0].Details.GetProperty("previous_version").ValueKind);
        Assert.Equal("1.0.0", published[1].Details.GetProperty("previous_version").GetString());
        Assert.True(published[1].Details.GetProperty("rows").GetInt64() > 0);
        Assert.Equal(["audited@1.0.0"], rolledBack.Select(static e => e.Target));
        Assert.Equal("1.0.1", rolledBack[0].Details.GetProperty("previous_version").GetString());
        Assert.DoesNotContain(await EventsAsync(AuditActions.DatasetExport), static e => e.Target.StartsWith("audited@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportAsync_is_recorded_with_rows_and_directory()
    {
        string dir = TestData.TempDir();
        DatasetExportResult result = await new ParquetExporter(db.DataSource).ExportAsync(TestData.Gold("2.0.0") with { Name = "exported" }, dir);

        var exported = (await EventsAsync(AuditActions.DatasetExport)).Single(static e => e.Target == "exported@2.0.0");
        Assert.Equal(result.Rows, exported.Details.GetProperty("rows").GetInt64());
        Assert.Equal(Path.GetFullPath(dir), exported.Details.GetProperty("directory").GetString());
    }

    [Fact]
    public async Task ExportAsync_without_an_audit_trail_still_exports()
    {
        var bare = new PostgresDatabase();
        await bare.InitializeAsync();
        try
        {
            await TestData.CreateTablesAsync(bare);
            DatasetExportResult result = await new ParquetExporter(bare.DataSource).ExportAsync(TestData.Gold(), TestData.TempDir());
            Assert.True(result.Rows > 0);
            Assert.Null(await bare.ScalarAsync<string>("SELECT to_regclass('audit.events')::text"));
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubscribeAsync_and_RotateSecretAsync_record_fingerprints_never_secrets()
    {
        using var http = new HttpClient();
        var subscriptions = new DatasetSubscriptions(db.DataSource, http, new PublisherOptions { Root = "unused" });
        string first = DatasetSubscriptions.NewSecret();
        string second = DatasetSubscriptions.NewSecret();
        long id = await subscriptions.SubscribeAsync("brand-x", new Uri("https://hooks.example.ph/in?token=abc"), first);

        Assert.True(await subscriptions.RotateSecretAsync(id, second));
        Assert.False(await subscriptions.RotateSecretAsync(id + 1000, second));
        await Assert.ThrowsAsync<ArgumentException>(() => subscriptions.RotateSecretAsync(id, "whsec_c2hvcnQ="));

        string target = "publisher.subscription:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var set = (await EventsAsync(AuditActions.WebhookSecretSet)).Single(e => e.Target == target);
        var rotated = (await EventsAsync(AuditActions.WebhookSecretRotate)).Single(e => e.Target == target);
        Assert.Equal(AuditLog.Fingerprint(first), set.Details.GetProperty("secret_fingerprint").GetString());
        Assert.Equal(AuditLog.Fingerprint(second), rotated.Details.GetProperty("secret_fingerprint").GetString());
        Assert.Equal("https://hooks.example.ph/in", rotated.Details.GetProperty("url").GetString());
        Assert.Equal(second, await db.ScalarAsync<string>($"SELECT secret FROM publisher.subscriptions WHERE id = {id}"));
        string all = await db.ScalarAsync<string>("SELECT string_agg(details::text || coalesce(object, ''), ' ') FROM audit.events") ?? "";
        Assert.DoesNotContain(first, all, StringComparison.Ordinal);
        Assert.DoesNotContain(second, all, StringComparison.Ordinal);
        Assert.DoesNotContain(first[6..], all, StringComparison.Ordinal);
        Assert.DoesNotContain("token=abc", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anon")]
    [InlineData("authenticated")]
    [InlineData("edge_uploader")]
    public async Task Publisher_tables_are_closed_to_every_role_but_service_role(string role)
    {
        await using Npgsql.NpgsqlConnection connection = await db.OpenAsync();
        await using (var setRole = new Npgsql.NpgsqlCommand($"SET ROLE {role}", connection))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        foreach (string table in new[] { "publisher.subscriptions", "publisher.dataset_versions", "publisher.deliveries", "publisher.usage_events" })
        {
            await using var read = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => read.ExecuteScalarAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public async Task Service_role_reads_and_writes_publisher_tables_through_row_level_security()
    {
        await using Npgsql.NpgsqlConnection connection = await db.OpenAsync();
        await using (var setRole = new Npgsql.NpgsqlCommand("SET ROLE service_role", connection))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        await using var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO publisher.usage_events (dataset, consumer, action, at) VALUES ('d', 'c', 'read', now()) RETURNING id", connection);
        Assert.True((long)(await insert.ExecuteScalarAsync())! > 0);
        await using var read = new Npgsql.NpgsqlCommand("SELECT count(*) FROM publisher.usage_events WHERE dataset = 'd'", connection);
        Assert.True((long)(await read.ExecuteScalarAsync())! >= 1);
        Assert.True(await db.ScalarAsync<bool>("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'publisher.subscriptions'::regclass"));
    }
}
