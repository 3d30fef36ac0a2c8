using Lakehouse.Internal;
using Lakehouse.Testing;

namespace Lakehouse.Ingest.Tests;

public sealed class SchemaMigratorTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    private static SchemaMigration[] Scripts(string table, string secondSql) =>
    [
        new(1, "create", $"CREATE TABLE {table} (id int PRIMARY KEY);"),
        new(2, "seed", secondSql),
    ];

    [Fact]
    public async Task ApplyAsync_edited_applied_migration_is_refused_and_changes_nothing()
    {
        SchemaMigration[] original = Scripts("t_edit", "INSERT INTO t_edit VALUES (1);");
        await SchemaMigrator.ApplyAsync(db.DataSource, "test-edit", original, null, default);

        SchemaMigration[] edited = Scripts("t_edit", "INSERT INTO t_edit VALUES (2);");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => SchemaMigrator.ApplyAsync(db.DataSource, "test-edit", [.. edited, new(3, "more", "INSERT INTO t_edit VALUES (3);")], null, default));

        Assert.Contains("V0002__seed was edited", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM t_edit"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'test-edit'"));
    }

    [Fact]
    public async Task ApplyAsync_crlf_checkout_of_same_script_is_not_an_edit()
    {
        SchemaMigration[] lf = [new(1, "create", "CREATE TABLE t_crlf (id int);\nSELECT 1;")];
        SchemaMigration[] crlf = [new(1, "create", "CREATE TABLE t_crlf (id int);\r\nSELECT 1;")];
        await SchemaMigrator.ApplyAsync(db.DataSource, "test-crlf", lf, null, default);
        Assert.Empty(await SchemaMigrator.ApplyAsync(db.DataSource, "test-crlf", crlf, null, default));
    }

    [Fact]
    public async Task ApplyAsync_failing_migration_rolls_back_whole_and_records_nothing()
    {
        SchemaMigration[] scripts =
        [
            new(1, "ok", "CREATE TABLE t_fail_ok (id int);"),
            new(2, "bad", "CREATE TABLE t_fail_half (id int); SELECT no_such_function();"),
        ];
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => SchemaMigrator.ApplyAsync(db.DataSource, "test-fail", scripts, null, default));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM lakehouse.schema_history WHERE component = 'test-fail'"));
        Assert.Null(await db.ScalarAsync<string>("SELECT to_regclass('t_fail_half')::text"));
    }

    [Fact]
    public async Task ApplyAsync_concurrent_runners_apply_each_migration_exactly_once()
    {
        // A slow first script widens the window in which the runners overlap.
        SchemaMigration[] scripts =
        [
            new(1, "slow", "SELECT pg_sleep(0.3); CREATE TABLE t_race (id int);"),
            new(2, "seed", "INSERT INTO t_race VALUES (1);"),
        ];
        Task<IReadOnlyList<string>>[] runners = Enumerable.Range(0, 6)
            .Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(db.DataSource, "test-race", scripts, null, default)))
            .ToArray();
        IReadOnlyList<string>[] results = await Task.WhenAll(runners);

        Assert.Equal(2, results.Sum(r => r.Count));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM t_race"));
    }

    [Fact]
    public void LoadEmbedded_finds_ingest_migrations_in_version_order()
    {
        IReadOnlyList<SchemaMigration> migrations = SchemaMigrator.LoadEmbedded(typeof(IngestSchema).Assembly);
        Assert.NotEmpty(migrations);
        Assert.Equal(1, migrations[0].Version);
        Assert.Equal(migrations.OrderBy(m => m.Version).Select(m => m.Version), migrations.Select(m => m.Version));
    }
}
