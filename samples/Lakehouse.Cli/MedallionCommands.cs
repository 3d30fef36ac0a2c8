using System.CommandLine;
using System.Globalization;
using Lakehouse.Geo;
using Lakehouse.Medallion;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console;

namespace Lakehouse.Cli;

/// <summary><c>lakehouse run</c> and <c>lakehouse gold</c>: the medallion pipeline against PostgreSQL.</summary>
internal static class MedallionCommands
{
    public static IEnumerable<Command> Create()
    {
        Option<string> connection = CommonOptions.Connection();
        Option<string> customerKey = CommonOptions.CustomerKey();
        Option<string> contactKey = CommonOptions.ContactKey();
        var run = new Command("run", "Run one incremental medallion pass (bronze → silver → gold → platinum) and the data-quality checks.")
        {
            connection, customerKey, contactKey,
        };
        run.SetAction(async (parse, cancellationToken) =>
        {
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(connection)!);
            await MedallionSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false);
            var options = new MedallionOptions { CustomerKey = CustomerKey.Parse(parse.GetValue(customerKey)!) };
            if (CommonOptions.ParseContactKey(parse.GetValue(contactKey)) is { } contact)
            {
                options.ContactKeys.Add(contact);
            }

            var runner = new MedallionRunner(dataSource, PsgcPlaceResolver.Create(new PsgcResolver()), Options.Create(options));
            TextWriter output = parse.InvocationConfiguration.Output;
            MedallionRunResult result = await runner.RunAsync(
                new Progress<MedallionRunResult>(p => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  … {p.BronzeRead} bronze rows, watermark {p.Watermark}"))),
                cancellationToken).ConfigureAwait(false);
            if (result.Skipped)
            {
                await output.WriteLineAsync("another run holds the lock: nothing done").ConfigureAwait(false);
                return 0;
            }

            IReadOnlyList<DataQualityResult> checks = await new DataQualityChecker(dataSource).RunAsync(cancellationToken).ConfigureAwait(false);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("bronze rows read", result.BronzeRead.ToString(CultureInfo.InvariantCulture));
            table.AddRow("silver inserted", result.SilverInserted.ToString(CultureInfo.InvariantCulture));
            table.AddRow("quarantined", result.Quarantined.ToString(CultureInfo.InvariantCulture));
            table.AddRow("gold store-days touched", result.GoldStoreDaysTouched.ToString(CultureInfo.InvariantCulture));
            table.AddRow("watermark", result.Watermark.ToString(CultureInfo.InvariantCulture));
            foreach (DataQualityResult check in checks)
            {
                table.AddRow("dq " + check.Check, (check.Passed ? "ok " : "FAIL ") + check.Value.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return 0;
        });

        Option<string> goldConnection = CommonOptions.Connection();
        var date = new Option<string>("--date", "-d") { Description = "The Philippine local date, yyyy-MM-dd.", Required = true };
        var gold = new Command("gold", "Print one day's gold_daily_metrics.") { goldConnection, date };
        gold.SetAction(async (parse, cancellationToken) =>
        {
            if (!DateOnly.TryParseExact(parse.GetValue(date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--date '{parse.GetValue(date)}' is not yyyy-MM-dd").ConfigureAwait(false);
                return 2;
            }

            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(goldConnection)!);
            await using NpgsqlCommand command = dataSource.CreateCommand("""
                SELECT store_id, transaction_count, total_sales, total_discount, net_sales, unique_customers, units_sold,
                       avg_transaction_value, campaign_transactions
                FROM scout.gold_daily_metrics WHERE date_key = $1 ORDER BY store_id
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = day });
            var table = new Table().AddColumns("store", "txns", "gross", "discount", "net", "customers", "units", "avg value", "campaign txns");
            int rows = 0;
            await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    table.AddRow(Enumerable.Range(0, 9).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "").ToArray());
                }
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
            console.Write(table);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} store(s) on {day:yyyy-MM-dd}"));
            return 0;
        });

        Option<string> rotateConnection = CommonOptions.Connection();
        var tenant = new Option<string>("--tenant", "-t") { Description = "The tenant whose customer pseudonyms move to the new key.", Required = true };
        var newKey = new Option<string>("--new-customer-key")
        {
            Description = "The new customer key '<key id>:<base64 secret of 32+ bytes>' (a new key id); configure it for every runner afterwards.",
            Required = true,
        };
        var rotate = new Command("rotate-customer-key",
            "Re-pseudonymize a tenant's customers under a new key from the raw ids in bronze, in one transaction; history stays continuous.")
        {
            rotateConnection, tenant, newKey,
        };
        rotate.SetAction(async (parse, cancellationToken) =>
        {
            CustomerKey key;
            try
            {
                key = CustomerKey.Parse(parse.GetValue(newKey)!);
            }
            catch (FormatException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--new-customer-key: " + e.Message).ConfigureAwait(false);
                return 2;
            }

            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(parse.GetValue(rotateConnection)!);
            await MedallionSchema.MigrateAsync(dataSource, null, cancellationToken).ConfigureAwait(false);
            CustomerKeyRotationResult result = await CustomerKeyRotation.RotateAsync(
                dataSource, parse.GetValue(tenant)!, CustomerPseudonymizer.Create(key), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"tenant {result.TenantId}: key {result.PreviousKeyId ?? "(none)"} -> {result.KeyId}, {result.Customers} customers, {result.RowsRewritten} rows rewritten, {result.CustomersWithoutHistory} without history")).ConfigureAwait(false);
            return 0;
        });

        return [run, gold, rotate];
    }
}
