using System.Text.Json;
using System.Text.Json.Nodes;
using Lakehouse.Cli;
using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Ingest.Tests.Audit;

/// <summary>audit.events on a real database: append-only for every application role and the owner; migrations, tokens, keys recorded.</summary>
public sealed class AuditLogTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    public async Task InitializeAsync()
    {
        await IngestSchema.MigrateAsync(db.DataSource);
        if (await db.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE object = 'row-to-protect'") == 0)
        {
            await new AuditLog(db.DataSource, actor: "fixture").RecordAsync("test.seed", "row-to-protect");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<int> AsRoleAsync(string role, string sql)
    {
        await using NpgsqlConnection connection = await db.OpenAsync();
        await using (var setRole = new NpgsqlCommand($"SET ROLE {role}", connection))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public static TheoryData<string, string> RolesAndChanges()
    {
        var data = new TheoryData<string, string>();
        foreach (string role in new[] { "anon", "authenticated", "service_role", "edge_uploader" })
        {
            data.Add(role, "UPDATE audit.events SET actor = 'mallory'");
            data.Add(role, "DELETE FROM audit.events");
            data.Add(role, "TRUNCATE audit.events");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RolesAndChanges))]
    public async Task Audit_events_refuse_update_delete_and_truncate_for_every_application_role(string role, string change)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRoleAsync(role, change));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE object = 'row-to-protect' AND actor = 'fixture'"));
    }

    [Theory]
    [InlineData("UPDATE audit.events SET actor = 'mallory'")]
    [InlineData("DELETE FROM audit.events")]
    [InlineData("TRUNCATE audit.events")]
    public async Task Audit_events_refuse_changes_even_for_the_owning_superuser(string change)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(change));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE object = 'row-to-protect'"));
    }

    [Theory]
    [InlineData("anon")]
    [InlineData("authenticated")]
    [InlineData("edge_uploader")]
    public async Task Audit_events_are_neither_readable_nor_writable_by_other_roles(string role)
    {
        var read = await Assert.ThrowsAsync<PostgresException>(() => AsRoleAsync(role, "SELECT 1 FROM audit.events"));
        var write = await Assert.ThrowsAsync<PostgresException>(() => AsRoleAsync(role, "INSERT INTO audit.events (action) VALUES ('forged.entry')"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, read.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    [Fact]
    public async Task Service_role_appends_and_reads_audit_events()
    {
        Assert.Equal(1, await AsRoleAsync("service_role", "INSERT INTO audit.events (action, object) VALUES ('test.service', 'by-service')"));
        Assert.Equal(-1, await AsRoleAsync("service_role", "SELECT id FROM audit.events"));
        // The actor defaults to the login (session_user), which SET ROLE cannot change.
        Assert.Equal(await db.ScalarAsync<string>("SELECT session_user::text"), await db.ScalarAsync<string>("SELECT actor FROM audit.events WHERE object = 'by-service'"));
    }

    [Fact]
    public async Task MigrateAsync_records_every_ingest_migration_once()
    {
        await IngestSchema.MigrateAsync(db.DataSource);

        Assert.Equal(
            ["ingest V0001__init", "ingest V0002__bronze", "ingest V0003__audit"],
            (await new AuditLog(db.DataSource).ReadLatestAsync(AuditActions.MigrationApply)).Select(static e => e.Target!)
                .Where(static t => t.StartsWith("ingest ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.True(await db.ScalarAsync<bool>("SELECT (details->>'backfilled')::boolean FROM audit.events WHERE object = 'ingest V0002__bronze'"));
        Assert.Null(await db.ScalarAsync<object>("SELECT details->'backfilled' FROM audit.events WHERE object = 'ingest V0003__audit'"));
        Assert.Equal(64, (await db.ScalarAsync<string>("SELECT details->>'checksum' FROM audit.events WHERE object = 'ingest V0003__audit'"))!.Length);
    }

    [Fact]
    public async Task Migrator_records_a_migration_with_it_and_nothing_for_one_that_failed()
    {
        Lakehouse.Internal.SchemaMigration[] scripts =
        [
            new(1, "ok", "CREATE TABLE t_audited (id int);"),
            new(2, "bad", "CREATE TABLE t_audited_half (id int); SELECT no_such_function();"),
        ];
        await Assert.ThrowsAsync<PostgresException>(() => Lakehouse.Internal.SchemaMigrator.ApplyAsync(db.DataSource, "test-audited", scripts, null, default));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE action = 'migration.apply' AND object = 'test-audited V0001__ok'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM audit.events WHERE object LIKE 'test-audited V0002%'"));
    }

    [Fact]
    public async Task RecordAsync_in_a_transaction_commits_or_rolls_back_with_it()
    {
        var audit = new AuditLog(db.DataSource, new ManualTimeProvider(new DateTimeOffset(2026, 11, 23, 1, 2, 3, TimeSpan.Zero)), "operator-ana");
        await using (NpgsqlConnection connection = await db.OpenAsync())
        {
            await using NpgsqlTransaction tx = await connection.BeginTransactionAsync();
            await audit.RecordAsync("test.rolled_back", "nothing", null, connection, tx);
            await tx.RollbackAsync();
        }

        await using (NpgsqlConnection connection = await db.OpenAsync())
        {
            await using NpgsqlTransaction tx = await connection.BeginTransactionAsync();
            await audit.RecordAsync("test.committed", "something", new JsonObject { ["n"] = 1 }, connection, tx);
            await tx.CommitAsync();
        }

        Assert.Empty(await audit.ReadLatestAsync("test.rolled_back"));
        AuditEntry entry = Assert.Single(await audit.ReadLatestAsync("test.committed"));
        Assert.Equal(("operator-ana", "something", """{"n": 1}"""), (entry.Actor, entry.Target, entry.Details));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 1, 2, 3, TimeSpan.Zero), entry.OccurredAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("publish")]
    [InlineData("Dataset.Publish")]
    [InlineData("dataset..publish")]
    [InlineData("dataset.publish.")]
    [InlineData(".publish")]
    [InlineData("dataset.publish; DROP TABLE audit.events")]
    public async Task RecordAsync_refuses_an_action_that_is_not_noun_verb(string action)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => new AuditLog(db.DataSource).RecordAsync(action, null));
    }

    [Fact]
    public async Task RecordKeyRotationAsync_records_key_ids_only()
    {
        long id = await new AuditLog(db.DataSource).RecordKeyRotationAsync("pseudonym:tenant-a", "k1", "k2", new JsonObject { ["rows_rekeyed"] = 42 });

        Assert.Equal(
            ("key.rotate", "pseudonym:tenant-a", "k1", "k2", 42),
            (await db.ScalarAsync<string>($"SELECT action FROM audit.events WHERE id = {id}"),
             await db.ScalarAsync<string>($"SELECT object FROM audit.events WHERE id = {id}"),
             await db.ScalarAsync<string>($"SELECT details->>'previous_key_id' FROM audit.events WHERE id = {id}"),
             await db.ScalarAsync<string>($"SELECT details->>'new_key_id' FROM audit.events WHERE id = {id}"),
             await db.ScalarAsync<int>($"SELECT (details->>'rows_rekeyed')::int FROM audit.events WHERE id = {id}")));
    }

    [Fact]
    public async Task RecordSecretRotationAsync_records_a_fingerprint_not_the_secret()
    {
        const string secret = "odoo-shared-secret-2026-11";
        long id = await new AuditLog(db.DataSource).RecordSecretRotationAsync("odoo.webhook", secret);

        string details = (await db.ScalarAsync<string>($"SELECT details::text FROM audit.events WHERE id = {id}"))!;
        Assert.Contains(AuditLog.Fingerprint(secret), details, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, details, StringComparison.Ordinal);
        Assert.Equal(AuditActions.WebhookSecretRotate, await db.ScalarAsync<string>($"SELECT action FROM audit.events WHERE id = {id}"));
    }

    [Fact]
    public async Task Token_create_with_connection_records_device_role_expiry_and_fingerprint_never_the_token()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        const long now = 1_763_900_000;

        int code = await TokenCommands.CreateTokenAsync("pi-store-7", "edge_uploader", 10, Secret, null, now, db.ConnectionString, output, error, default);

        string token = output.ToString().Trim();
        Assert.Equal(0, code);
        AuditEntry entry = (await new AuditLog(db.DataSource).ReadLatestAsync(AuditActions.TokenCreate)).Single(static e => e.Target == "device:pi-store-7");
        JsonElement details = JsonDocument.Parse(entry.Details).RootElement;
        Assert.Equal("pi-store-7", details.GetProperty("device").GetString());
        Assert.Equal("edge_uploader", details.GetProperty("role").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(now + (10 * 86400)), details.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal(AuditLog.Fingerprint(token), details.GetProperty("token_fingerprint").GetString());
        Assert.DoesNotContain(token, entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], entry.Details, StringComparison.Ordinal);
        Assert.StartsWith("lakehouse-cli:", entry.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_create_with_an_unreachable_database_prints_no_token_and_exits_2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await TokenCommands.CreateTokenAsync("pi", "edge_uploader", 10, Secret, null, null,
            "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2", output, error, default);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.Contains("could not be recorded", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryRecordAsync_without_an_audit_trail_records_nothing()
    {
        var bare = new PostgresDatabase();
        await bare.InitializeAsync();
        try
        {
            Assert.Null(await new AuditLog(bare.DataSource).TryRecordAsync("test.nothing", null));
            await Assert.ThrowsAsync<PostgresException>(() => new AuditLog(bare.DataSource).RecordAsync("test.nothing", null));
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    [Fact]
    public void Fingerprint_is_16_hex_digits_of_sha256()
    {
        Assert.Equal("2cf24dba5fb0a30e", AuditLog.Fingerprint("hello"));
    }
}
