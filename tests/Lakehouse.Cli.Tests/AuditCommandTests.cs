using Lakehouse.Medallion;
using Lakehouse.Testing;

namespace Lakehouse.Cli.Tests;

/// <summary>`lakehouse audit` on a database migrated by every package (the class fixture), then with planted misconfigurations.</summary>
public sealed class AuditCommandTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        var migrated = await CliRunner.RunAsync(DbCommands.Create(), "db", "migrate", "--connection", db.ConnectionString);
        Assert.Equal(0, migrated.ExitCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Audit_on_a_freshly_migrated_database_passes_with_exit_0()
    {
        var result = await CliRunner.RunAsync(AuditCommand.Create(), "audit", "--connection", db.ConnectionString);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("audit passed: no findings", result.Output, StringComparison.Ordinal);
    }
}
