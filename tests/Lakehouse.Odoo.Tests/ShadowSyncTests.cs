using System.Text.Json.Nodes;
using Lakehouse.Testing;
using Microsoft.Extensions.Options;

namespace Lakehouse.Odoo.Tests;

public sealed class ShadowSyncTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private FakeOdooServer _odoo = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await OdooSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("""
            TRUNCATE odoo.sync_cursors, odoo.entity_mappings, odoo_seed.shadow_projects, odoo_seed.shadow_tasks,
                     odoo_seed.shadow_account_moves, odoo_seed.seed_tasks, odoo_seed.seed_projects CASCADE
            """);
        _odoo = new FakeOdooServer();
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        _odoo.Models["project.project"] =
        [
            Project(1, "Store rollout", "2026-11-01 08:00:00"),
            Project(2, "Loyalty Pilot (renamed)", "2026-11-02 08:00:00"),
            Project(3, "Archived thing", "2026-11-02 08:00:00", active: false),
            Project(4, "Created by hand in Odoo", "2026-11-03 09:30:00"),
            Project(5, "Warehouse", "2026-11-03 09:30:00"),
        ];
        _odoo.Models["project.task"] =
        [
            new JsonObject { ["id"] = 10, ["name"] = "Install POS", ["project_id"] = new JsonArray(1, "Store rollout"), ["stage_id"] = new JsonArray(3, "Done"), ["active"] = true, ["write_date"] = "2026-11-04 00:00:00" },
            new JsonObject { ["id"] = 11, ["name"] = "Train clerk", ["project_id"] = false, ["stage_id"] = false, ["active"] = true, ["write_date"] = "2026-11-04 00:00:01" },
        ];
        _odoo.Models["account.move"] =
        [
            new JsonObject { ["id"] = 100, ["name"] = "INV/2026/00001", ["move_type"] = "out_invoice", ["state"] = "posted", ["partner_id"] = new JsonArray(7, "Aling Nena Store"), ["invoice_date"] = "2026-11-05", ["amount_total"] = 1234.5, ["currency_id"] = new JsonArray(37, "PHP"), ["write_date"] = "2026-11-05 10:00:00" },
            new JsonObject { ["id"] = 101, ["name"] = "/", ["move_type"] = "entry", ["state"] = "draft", ["partner_id"] = false, ["invoice_date"] = false, ["amount_total"] = 0, ["currency_id"] = new JsonArray(37, "PHP"), ["write_date"] = "2026-11-05 11:00:00" },
        ];
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _odoo.DisposeAsync();
    }

    private static JsonObject Project(long id, string name, string writeDate, bool active = true) =>
        new() { ["id"] = id, ["name"] = name, ["active"] = active, ["write_date"] = writeDate };

    private OdooShadowSync Sync(string password = "secret", int pageSize = 2) => new(
        db.DataSource,
        new OdooJsonRpcClient(_http, new OdooClientOptions { BaseUrl = _odoo.BaseUrl, Database = "odoo", Username = "admin", Password = password, PageSize = pageSize }),
        Options.Create(new OdooOptions { Instance = "prod" }),
        _time);

    [Fact]
    public async Task SyncAsync_pages_through_every_model_and_fills_the_shadows()
    {
        OdooShadowSync sync = Sync(pageSize: 2);
        Assert.Equal(5, await sync.SyncAsync(OdooShadowModel.Projects));
        Assert.Equal(2, await sync.SyncAsync(OdooShadowModel.Tasks));
        Assert.Equal(2, await sync.SyncAsync(OdooShadowModel.AccountMoves));

        Assert.Equal(5L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo_seed.shadow_projects WHERE instance = 'prod'"));
        Assert.False(await db.ScalarAsync<bool>("SELECT active FROM odoo_seed.shadow_projects WHERE odoo_id = 3"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT project_odoo_id FROM odoo_seed.shadow_tasks WHERE odoo_id = 10"));
        Assert.Equal("Done", await db.ScalarAsync<string>("SELECT stage FROM odoo_seed.shadow_tasks WHERE odoo_id = 10"));
        Assert.Null(await db.ScalarAsync<long?>("SELECT project_odoo_id FROM odoo_seed.shadow_tasks WHERE odoo_id = 11"));
        Assert.Equal(1234.50m, await db.ScalarAsync<decimal>("SELECT amount_total FROM odoo_seed.shadow_account_moves WHERE odoo_id = 100"));
        Assert.Equal("Aling Nena Store", await db.ScalarAsync<string>("SELECT partner_name FROM odoo_seed.shadow_account_moves WHERE odoo_id = 100"));
        Assert.Equal("PHP", await db.ScalarAsync<string>("SELECT currency FROM odoo_seed.shadow_account_moves WHERE odoo_id = 101"));
        Assert.Equal(new DateTime(2026, 11, 3, 9, 30, 0), await db.ScalarAsync<DateTime>(
            "SELECT last_write_date FROM odoo.sync_cursors WHERE instance = 'prod' AND model = 'project.project'"));
    }

    [Fact]
    public async Task SyncAsync_second_run_reads_only_from_the_cursor_and_applies_changes()
    {
        OdooShadowSync sync = Sync(pageSize: 100);
        await sync.SyncAsync(OdooShadowModel.Projects);
        _odoo.Models["project.project"][0]["name"] = "Store rollout 2027";
        _odoo.Models["project.project"][0]["write_date"] = "2026-11-10 00:00:00";

        int second = await sync.SyncAsync(OdooShadowModel.Projects);

        // Records of the cursor's own second come again (>=) and are upserted idempotently.
        Assert.Equal(3, second);
        Assert.Equal("Store rollout 2027", await db.ScalarAsync<string>("SELECT name FROM odoo_seed.shadow_projects WHERE odoo_id = 1"));
        Assert.Equal(5L, await db.ScalarAsync<long>("SELECT count(*) FROM odoo_seed.shadow_projects"));
    }

    [Fact]
    public async Task SyncAsync_wrong_password_is_refused_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<OdooRpcException>(() => Sync(password: "nope").SyncAsync(OdooShadowModel.Projects));
        Assert.Contains("refused the login of 'admin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchReadAsync_odoo_error_object_becomes_OdooRpcException_with_its_name()
    {
        var client = new OdooJsonRpcClient(_http, new OdooClientOptions { BaseUrl = _odoo.BaseUrl, Database = "odoo", Username = "admin", Password = "secret" });
        var error = await Assert.ThrowsAsync<OdooRpcException>(async () =>
        {
            await foreach (var _ in client.SearchReadAsync("no.such.model", _ => { }, ["id"]))
            {
            }
        });
        Assert.Equal(200, error.Code);
        Assert.Equal("builtins.KeyError", error.ErrorName);
        Assert.Equal("'no.such.model'", error.Detail);
        Assert.Contains("Odoo Server Error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_views_show_planted_differences()
    {
        await Sync(pageSize: 50).SyncAsync(OdooShadowModel.Projects);
        await db.ExecuteAsync("""
            INSERT INTO odoo_seed.seed_projects (external_ref, name) VALUES
                ('P-ROLLOUT', 'Store rollout'), ('P-LOYALTY', 'Loyalty Pilot'), ('P-MISSING', 'Never created'),
                ('P-ARCHIVED', 'Archived thing'), ('P-WAREHOUSE', 'Warehouse');
            """);
        var store = new OdooSyncStore(db.DataSource, Options.Create(new OdooOptions { Instance = "prod" }), _time);
        await store.MapAsync("project.project", 1, "P-ROLLOUT");
        await store.MapAsync("project.project", 2, "P-LOYALTY");
        await store.MapAsync("project.project", 3, "P-ARCHIVED");
        await store.MapAsync("project.project", 5, "P-WAREHOUSE");

        Assert.Equal("P-ARCHIVED,P-MISSING", await db.ScalarAsync<string>(
            "SELECT string_agg(external_ref, ',' ORDER BY external_ref) FROM odoo_seed.v_missing_in_odoo"));
        Assert.Equal("4", await db.ScalarAsync<string>(
            "SELECT string_agg(odoo_id::text, ',' ORDER BY odoo_id) FROM odoo_seed.v_orphan_in_odoo"));
        Assert.Equal("P-LOYALTY:Loyalty Pilot->Loyalty Pilot (renamed)", await db.ScalarAsync<string>(
            "SELECT string_agg(external_ref || ':' || seed_name || '->' || odoo_name, ',') FROM odoo_seed.v_name_drift"));
        Assert.Equal("P-LOYALTY", await store.FindExternalRefAsync("project.project", 2));
        Assert.Equal(5L, await store.FindOdooIdAsync("project.project", "P-WAREHOUSE"));
        Assert.Null(await store.FindOdooIdAsync("project.project", "P-MISSING"));
    }
}
