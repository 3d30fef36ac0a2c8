using System.Text;
using DuckDB.NET.Data;
using Lakehouse.Ingest;
using Lakehouse.Publisher;
using Lakehouse.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lakehouse.Medallion.Tests;

/// <summary>Issue 10's done-when on a real database: no raw customer identifier past bronze, one pseudonym per person, rotation, roles.</summary>
public sealed class PseudonymPrivacyTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly List<PrivacyCorpus.Person> People = PrivacyCorpus.People();

    public async Task InitializeAsync()
    {
        await MedallionSchema.MigrateAsync(db.DataSource);
        await db.ExecuteAsync("""
            TRUNCATE scout.bronze_transactions, scout.bronze_rejects, scout.silver_line_items, scout.silver_transactions, scout.silver_quarantine,
                     scout.gold_daily_metrics, scout.gold_store_day_customers, scout.gold_geo_store_daily, scout.gold_product_store_daily,
                     scout.platinum_customer_rfm, scout.platinum_features, scout.dim_store, scout.dim_product, scout.dim_customer,
                     scout.dim_campaign, scout.medallion_watermarks, scout.customer_pseudonym_keys CASCADE;
            INSERT INTO scout.dim_store (store_id, tenant_id, store_name) VALUES
                ('PA1', 'tenant-a', 'Aling Nena'), ('PA2', 'tenant-a', 'Tindahan ni Aling Puring'),
                ('PB1', 'tenant-b', 'Mang Jose'), ('PB2', 'tenant-b', 'Sari-sari ni Mang Ben');
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private MedallionRunner Runner(MedallionOptions options, ILoggerFactory? logs = null) =>
        new(db.DataSource, BronzeCorpus.Resolve, Options.Create(options), logger: logs?.CreateLogger<MedallionRunner>());

    private async Task LoadAsync(string lines, ILoggerFactory? logs = null)
    {
        var loader = new BronzeLoader(db.DataSource, logger: logs?.CreateLogger<BronzeLoader>());
        BronzeLoadResult result = await loader.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(lines)), new BronzeSource("privacy.jsonl", "pi5-privacy"));
        Assert.Equal(0, result.Rejected);
    }

    [Fact]
    public async Task Corpus_of_mobiles_and_emails_leaves_no_raw_identifier_in_any_table_export_or_log_line()
    {
        using var capture = new CapturingLoggerProvider();
        using ILoggerFactory logs = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        await LoadAsync(PrivacyCorpus.Lines(seed: 1, count: 900, People), logs);
        MedallionRunResult run = await Runner(TestKeys.Options(contacts: true), logs).RunAsync();
        Assert.Equal(900, run.SilverInserted);
        await new DataQualityChecker(db.DataSource).RunAsync();

        // Exports: the pseudonymized customer columns of every layer, and the built-in silver dataset.
        string root = Path.Combine(Path.GetTempPath(), "lakehouse-privacy-" + Guid.NewGuid().ToString("N"));
        var exporter = new ParquetExporter(db.DataSource, new ParquetExportOptions { Compression = ParquetCompression.None }, logs.CreateLogger<ParquetExporter>());
        string[] queries =
        [
            "SELECT store_id, transaction_id, customer_id, customer_type, date_key, device_id, payment_method, geo_status, quality_flags::text AS flags, net_amount::numeric(18,2) AS net FROM scout.silver_transactions",
            "SELECT store_id, transaction_id, line_no, product_id, brand, category FROM scout.silver_line_items",
            "SELECT store_id, date_key, customer_id, tenant_id, is_new, is_returning FROM scout.gold_store_day_customers",
            "SELECT customer_id, tenant_id, recency_days, frequency, monetary::numeric(18,2) AS monetary, segment FROM scout.platinum_customer_rfm",
            "SELECT entity_type, entity_id, feature, value::numeric(18,4) AS value, label FROM scout.platinum_features",
            "SELECT customer_id, tenant_id, customer_type, first_purchase_date FROM scout.dim_customer",
        ];
        var files = new List<string>();
        for (int i = 0; i < queries.Length; i++)
        {
            DatasetDefinition definition = await exporter.DescribeQueryAsync("privacy_" + i, "1.0.0", queries[i]);
            DatasetExportResult export = await exporter.ExportAsync(definition, Path.Combine(root, "q" + i));
            Assert.True(export.Rows > 0);
        }

        files.AddRange(Directory.EnumerateFiles(root, "*.parquet", SearchOption.AllDirectories));
        Assert.True(files.Count >= 6);
        Assert.Equal(queries.Length, Directory.GetDirectories(root).Length);

        string[] needles = [.. People.SelectMany(p => p.Needles).Distinct()];
        // Every text, array, JSON and bytea column of every table and view outside bronze, in every schema.
        var leaks = new List<string>();
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (NpgsqlCommand select = db.DataSource.CreateCommand("""
            SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'tiger', 'topology') AND table_name NOT LIKE '%bronze%'
              AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED')
            """))
        await using (NpgsqlDataReader reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        Assert.Contains(columns, c => c is { Table: "silver_transactions", Column: "customer_id" });
        Assert.Contains(columns, c => c is { Table: "dim_customer", Column: "mobile_enc" });
        foreach ((string schema, string table, string column, string type) in columns)
        {
            string value = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text";
            await using NpgsqlCommand scan = db.DataSource.CreateCommand(
                $"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE {value} ILIKE ANY($1)");
            scan.Parameters.Add(new NpgsqlParameter { Value = needles.Select(n => "%" + n.Replace("%", "\\%", StringComparison.Ordinal) + "%").ToArray() });
            if ((long)(await scan.ExecuteScalarAsync())! > 0)
            {
                leaks.Add($"{schema}.{table}.{column}");
            }
        }

        Assert.Empty(leaks);

        // Exported Parquet: every value read back by an independent reader, and the raw file bytes.
        using (var duck = new DuckDBConnection("Data Source=:memory:"))
        {
            duck.Open();
            foreach (string file in files)
            {
                using DuckDBCommand command = duck.CreateCommand();
                command.CommandText = $"SELECT * FROM read_parquet('{file.Replace("'", "''", StringComparison.Ordinal)}')";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    for (int c = 0; c < reader.FieldCount; c++)
                    {
                        string text = Convert.ToString(reader.GetValue(c), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                        Assert.DoesNotContain(needles, n => text.Contains(n, StringComparison.OrdinalIgnoreCase));
                    }
                }
            }
        }

        foreach (string file in files)
        {
            string bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(needles, n => bytes.Contains(n, StringComparison.OrdinalIgnoreCase));
        }

        // Logs: something was logged, and nothing in it is a raw identifier.
        Assert.NotEmpty(capture.Records);
        Assert.DoesNotContain(capture.Records, r => needles.Any(n => r.Contains(n, StringComparison.OrdinalIgnoreCase)));

        // Bronze still has them (so the scan can see them): the raw event is kept for service_role.
        Assert.True(await db.ScalarAsync<long>($"SELECT count(*) FROM scout.bronze_transactions WHERE raw LIKE '%{People[0].Spellings[0]}%'") > 0);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task One_person_typed_many_ways_is_one_pseudonym_per_tenant_and_tenants_differ()
    {
        await LoadAsync(PrivacyCorpus.Lines(seed: 2, count: 600, People));
        await Runner(TestKeys.Options()).RunAsync();
        var keys = CustomerPseudonymizer.Create(TestKeys.Customer);
        var seen = new List<(string Raw, string Pseudonym, string Tenant)>();
        await using (NpgsqlCommand select = db.DataSource.CreateCommand("""
            SELECT (b.raw::jsonb) ->> 'customer_id', s.customer_id, s.tenant_id
            FROM scout.silver_transactions s JOIN scout.bronze_transactions b ON b.id = s.bronze_id
            """))
        await using (NpgsqlDataReader reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                seen.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (PrivacyCorpus.Person person in People)
        {
            foreach (string tenant in new[] { "tenant-a", "tenant-b" })
            {
                var rows = seen.Where(s => s.Tenant == tenant && person.Spellings.Contains(s.Raw)).ToList();
                Assert.True(rows.Select(r => r.Raw).Distinct().Count() >= 2, "the corpus should use several spellings per person and tenant");
                Assert.Equal([keys.Pseudonymize(tenant, person.Canonical)], rows.Select(r => r.Pseudonym).Distinct());
            }

            Assert.NotEqual(keys.Pseudonymize("tenant-a", person.Canonical), keys.Pseudonymize("tenant-b", person.Canonical));
        }

        Assert.Equal(People.Count * 2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_customer"));
        Assert.Equal(People.Count * 2L, await db.ScalarAsync<long>("SELECT count(*) FROM scout.platinum_customer_rfm"));
    }

    [Fact]
    public async Task Rotation_keeps_history_continuous_and_new_events_under_the_new_key_join_it()
    {
        await LoadAsync(PrivacyCorpus.Lines(seed: 3, count: 700, People));
        await Runner(TestKeys.Options(contacts: true)).RunAsync();
        var oldKeys = CustomerPseudonymizer.Create(TestKeys.Customer);
        var newKeys = CustomerPseudonymizer.Create(TestKeys.Rotated);
        string goldBefore = await TableText("SELECT * FROM scout.gold_daily_metrics ORDER BY store_id, date_key", skipColumn: "updated_at");
        Dictionary<(string, string), string> historyBefore = await HistoryAsync(oldKeys);

        CustomerKeyRotationResult a = await CustomerKeyRotation.RotateAsync(db.DataSource, "tenant-a", newKeys);
        CustomerKeyRotationResult b = await CustomerKeyRotation.RotateAsync(db.DataSource, "tenant-b", newKeys);
        Assert.Equal(("test-1", "test-2", (long)People.Count, 0L), (a.PreviousKeyId, a.KeyId, a.Customers, a.CustomersWithoutHistory));
        Assert.True(b.RowsRewritten > 700);
        Assert.Equal(0L, (await CustomerKeyRotation.RotateAsync(db.DataSource, "tenant-a", newKeys)).RowsRewritten); // already there
        Assert.Equal(
            ["customer-pseudonym-key:tenant-a test-1->test-2", "customer-pseudonym-key:tenant-b test-1->test-2"],
            await AuditedRotationsAsync());

        // Same history, under the new pseudonyms; nothing left under the old key.
        Assert.Equal(goldBefore, await TableText("SELECT * FROM scout.gold_daily_metrics ORDER BY store_id, date_key", skipColumn: "updated_at"));
        Assert.Equal(historyBefore, await HistoryAsync(newKeys));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM scout.silver_transactions WHERE customer_id NOT LIKE 'c:test-2:%')
                 + (SELECT count(*) FROM scout.gold_store_day_customers WHERE customer_id NOT LIKE 'c:test-2:%')
                 + (SELECT count(*) FROM scout.dim_customer WHERE customer_id NOT LIKE 'c:test-2:%')
                 + (SELECT count(*) FROM scout.platinum_customer_rfm WHERE customer_id NOT LIKE 'c:test-2:%')
                 + (SELECT count(*) FROM scout.platinum_features WHERE entity_type = 'customer' AND entity_id NOT LIKE 'c:test-2:%')
            """));

        // Encrypted contacts moved with their customer.
        var contacts = new CustomerContacts(db.DataSource, newKeys, new CustomerContactCipher([TestKeys.Contact]));
        Assert.Equal(People[0].Canonical, (await contacts.ReadAsync("tenant-a", People[0].Spellings[1]))!.Mobile);

        // A runner still on the old key refuses rather than split history.
        await LoadAsync(PrivacyCorpus.Lines(seed: 4, count: 2 * People.Count, People, firstTransaction: 10_000, days: 1));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(TestKeys.Options(contacts: true)).RunAsync());
        Assert.Contains("RotateAsync", refused.Message, StringComparison.Ordinal);

        // New events under the new key join the old history: no new customers, frequencies grow.
        long customers = await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_customer");
        long frequency = await db.ScalarAsync<long>("SELECT sum(frequency)::bigint FROM scout.platinum_customer_rfm");
        MedallionRunResult run = await Runner(TestKeys.Options(TestKeys.Rotated, contacts: true)).RunAsync();
        Assert.Equal(2 * People.Count, run.SilverInserted);
        Assert.Equal(customers, await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_customer"));
        Assert.Equal(frequency + (2 * People.Count), await db.ScalarAsync<long>("SELECT sum(frequency)::bigint FROM scout.platinum_customer_rfm"));

        // And the whole database equals a fresh in-memory run of all of bronze under the new key.
        var memory = new InMemoryMedallion(BronzeCorpus.Resolve, TestKeys.Options(TestKeys.Rotated),
            registeredStores: PrivacyCorpus.Stores.ToDictionary(s => s, PrivacyCorpus.TenantOf));
        memory.Process(await BronzeRowsAsync());
        Assert.Equal(SnapshotText.Of(memory.Snapshot()), SnapshotText.Of(await Runner(TestKeys.Options(TestKeys.Rotated)).ReadSnapshotAsync()));
    }

    [Fact]
    public async Task Encrypted_contacts_are_unreadable_by_authenticated_and_anon_and_decrypt_for_service_role()
    {
        await LoadAsync(PrivacyCorpus.Lines(seed: 5, count: 300, People));
        await Runner(TestKeys.Options(contacts: true)).RunAsync();

        foreach (string role in new[] { "authenticated", "anon" })
        {
            foreach (string sql in new[]
            {
                "SELECT mobile_enc FROM scout.dim_customer", "SELECT email_enc FROM scout.dim_customer", "SELECT name_enc FROM scout.dim_customer",
                "SELECT * FROM scout.dim_customer", "SELECT count(*) FROM scout.bronze_transactions", "SELECT count(*) FROM scout.v_bronze_transactions",
                "SELECT count(*) FROM scout.bronze_rejects", "SELECT count(*) FROM scout.customer_pseudonym_keys",
            })
            {
                var error = await Assert.ThrowsAsync<PostgresException>(() => AsRole(role, "tenant-a", sql));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            }
        }

        // authenticated still reads the non-personal columns of its own tenant's customers.
        long own = await db.ScalarAsync<long>("SELECT count(*) FROM scout.dim_customer WHERE tenant_id = 'tenant-a'");
        Assert.True(own > 0);
        Assert.Equal(own, await AsRole("authenticated", "tenant-a", "SELECT count(customer_id) FROM scout.dim_customer"));

        // The personal columns say so.
        Assert.Equal(3L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = 'scout' AND table_name = 'dim_customer'
              AND col_description('scout.dim_customer'::regclass, ordinal_position) LIKE 'pii: %'
            """));

        // service_role reads the ciphertext and, with the key, the contact; the database holds no plaintext.
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c role=service_role" };
        await using NpgsqlDataSource service = NpgsqlDataSource.Create(builder.ConnectionString);
        var cipher = new CustomerContactCipher([TestKeys.Contact]);
        var keys = CustomerPseudonymizer.Create(TestKeys.Customer);
        var contacts = new CustomerContacts(service, keys, cipher);
        PrivacyCorpus.Person mobile = People[1], email = People[^1];
        Assert.Equal(new CustomerContact(mobile.Canonical, null, null), await contacts.ReadAsync("tenant-a", mobile.Spellings[4]));
        Assert.Equal(new CustomerContact(null, email.Canonical, null), await contacts.ReadAsync("tenant-b", email.Spellings[1]));

        string pseudonym = await contacts.UpsertAsync("tenant-a", "LC-00042", new CustomerContact("0917 555 0100", "  Nena@Example.PH", "Aling Nena"));
        Assert.Equal(keys.Pseudonymize("tenant-a", "lc-00042"), pseudonym);
        Assert.Equal(new CustomerContact("+639175550100", "nena@example.ph", "Aling Nena"), await contacts.ReadAsync("tenant-a", pseudonym));
        await using (NpgsqlCommand raw = service.CreateCommand("SELECT name_enc FROM scout.dim_customer WHERE customer_id = $1"))
        {
            raw.Parameters.Add(new NpgsqlParameter { Value = pseudonym });
            byte[] ciphertext = (byte[])(await raw.ExecuteScalarAsync())!;
            Assert.Equal(1, ciphertext[0]);
            Assert.DoesNotContain("Nena", Encoding.Latin1.GetString(ciphertext), StringComparison.Ordinal);
        }

        Assert.Null(await contacts.ReadAsync("tenant-b", "LC-00042"));
    }

    private async Task<long> AsRole(string role, string tenant, string sql)
    {
        await using NpgsqlConnection connection = await db.OpenAsync();
        await using (var set = new NpgsqlCommand($"SET ROLE {role}; SELECT set_config('lakehouse.tenant_id', '{tenant}', false)", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection);
        object? value = await command.ExecuteScalarAsync();
        return value is long n ? n : 0;
    }

    // Per person and tenant: transactions, net sum, store-days with flags, RFM row (without the id).
    private async Task<Dictionary<(string, string), string>> HistoryAsync(CustomerPseudonymizer keys)
    {
        var history = new Dictionary<(string, string), string>();
        foreach (PrivacyCorpus.Person person in People)
        {
            foreach (string tenant in new[] { "tenant-a", "tenant-b" })
            {
                string id = keys.Pseudonymize(tenant, person.Canonical)!.Replace("'", "''", StringComparison.Ordinal);
                history[(person.Canonical, tenant)] = string.Join(" / ",
                    await TableText($"SELECT count(*), sum(net_amount) FROM scout.silver_transactions WHERE customer_id = '{id}'"),
                    await TableText($"SELECT store_id, date_key, is_new, is_returning, is_vip FROM scout.gold_store_day_customers WHERE customer_id = '{id}' ORDER BY 1, 2"),
                    await TableText($"SELECT recency_days, frequency, monetary, r_score, f_score, m_score, segment FROM scout.platinum_customer_rfm WHERE customer_id = '{id}'"),
                    await TableText($"SELECT feature, value, label FROM scout.platinum_features WHERE entity_id = '{id}' ORDER BY 1"),
                    await TableText($"SELECT customer_type, first_purchase_date, last_purchase_date FROM scout.dim_customer WHERE customer_id = '{id}'"));
            }
        }

        return history;
    }

    private async Task<string> TableText(string sql, string? skipColumn = null)
    {
        await using NpgsqlCommand command = db.DataSource.CreateCommand(sql);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var text = new StringBuilder();
        while (await reader.ReadAsync())
        {
            for (int i = 0; i < reader.FieldCount; i++)
            {
                if (reader.GetName(i) != skipColumn)
                {
                    text.Append(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private async Task<List<BronzeRow>> BronzeRowsAsync()
    {
        var rows = new List<BronzeRow>();
        await using NpgsqlCommand command = db.DataSource.CreateCommand(
            "SELECT id, store_id, event_hash, raw, device_id, ingested_at FROM scout.bronze_transactions ORDER BY id");
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new BronzeRow(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return rows;
    }

    // The key rotations the audit trail holds (one per rotation that changed something), key ids only.
    private async Task<List<string>> AuditedRotationsAsync()
    {
        var rows = new List<string>();
        await using Npgsql.NpgsqlCommand command = db.DataSource.CreateCommand(
            "SELECT object || ' ' || (details->>'previous_key_id') || '->' || (details->>'new_key_id') FROM audit.events WHERE action = 'key.rotate' ORDER BY id");
        await using Npgsql.NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
