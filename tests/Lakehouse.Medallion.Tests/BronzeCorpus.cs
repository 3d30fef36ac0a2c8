using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lakehouse.Medallion.Tests;

/// <summary>Generates bronze rows (fixed seed): stores, customers, items, campaigns, places, odd cases.</summary>
internal static class BronzeCorpus
{
    /// <summary>Writes rows into <c>scout.bronze_transactions</c> with their ids, by binary COPY.</summary>
    public static async Task InsertAsync(Lakehouse.Testing.PostgresDatabase db, IEnumerable<BronzeRow> rows)
    {
        await using Npgsql.NpgsqlConnection connection = await db.OpenAsync();
        await using Npgsql.NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
            "COPY scout.bronze_transactions (id, store_id, event_hash, raw, device_id, ingested_at) FROM STDIN (FORMAT BINARY)");
        foreach (BronzeRow row in rows)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(row.Id, NpgsqlTypes.NpgsqlDbType.Bigint);
            await importer.WriteAsync(row.StoreId, NpgsqlTypes.NpgsqlDbType.Text);
            await importer.WriteAsync(row.EventHash, NpgsqlTypes.NpgsqlDbType.Bytea);
            await importer.WriteAsync(row.Raw, NpgsqlTypes.NpgsqlDbType.Text);
            await importer.WriteAsync(row.DeviceId, NpgsqlTypes.NpgsqlDbType.Text);
            await importer.WriteAsync(row.IngestedAt.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }

    private static readonly string[] Categories = ["beverages", "snacks", "personal_care", "household", "tobacco", "other"];
    private static readonly string[] Payments = ["cash", "gcash", "maya", "card", "other"];
    private static readonly string[] CustomerTypes = ["new", "returning", "vip", "churned"];
    private static readonly (string Region, string Province, string City)[] Places =
    [
        ("NCR", "Metro Manila", "Quezon City"), ("Region VII", "Cebu", "Cebu City"), ("CALABARZON", "Laguna", "Santa Rosa"),
        ("", "", ""), ("Region III", "Pampanga", "San Fernando"),
    ];

    public static List<BronzeRow> Generate(int seed, int count, int stores = 4, int days = 40)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var rows = new List<BronzeRow>(count);
        for (int i = 0; i < count; i++)
        {
            string store = "S" + random.Next(1, stores + 1).ToString(CultureInfo.InvariantCulture);
            DateTimeOffset ts = start.AddMinutes(random.Next(0, days * 24 * 60));
            var json = new StringBuilder();
            json.Append("{\"store_id\":\"").Append(store).Append('"');
            string? txn = random.Next(10) == 0 ? null : "T" + random.Next(0, count + count / 20).ToString(CultureInfo.InvariantCulture);
            if (txn is not null)
            {
                json.Append(",\"transaction_id\":\"").Append(txn).Append('"');
            }

            if (random.Next(8) != 0)
            {
                json.Append(",\"ts\":\"").Append(ts.ToOffset(TimeSpan.FromHours(random.Next(2) == 0 ? 8 : 0)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).Append('"');
            }

            decimal total = 0m;
            int itemCount = random.Next(0, 4);
            if (itemCount > 0)
            {
                json.Append(",\"items\":[");
                for (int k = 0; k < itemCount; k++)
                {
                    int qty = random.Next(1, 4);
                    decimal price = random.Next(500, 20000) / 100m;
                    decimal discount = random.Next(5) == 0 ? random.Next(0, 300) / 100m : 0m;
                    total += qty * price - discount;
                    json.Append(k == 0 ? "" : ",")
                        .Append("{\"sku\":\"P").Append(random.Next(1, 12).ToString(CultureInfo.InvariantCulture))
                        .Append("\",\"brand\":\"").Append(random.Next(2) == 0 ? "Coca-Cola" : "coca cola")
                        .Append("\",\"category\":\"").Append(Categories[random.Next(Categories.Length)])
                        .Append("\",\"qty\":").Append(qty.ToString(CultureInfo.InvariantCulture))
                        .Append(",\"unit_price\":").Append(price.ToString(CultureInfo.InvariantCulture))
                        .Append(",\"discount\":").Append(discount.ToString(CultureInfo.InvariantCulture)).Append('}');
                }

                json.Append(']');
                if (random.Next(10) == 0)
                {
                    total += 5m; // a mismatched total now and then
                }
            }
            else
            {
                total = random.Next(100, 100000) / 100m;
            }

            json.Append(",\"peso_value\":").Append(total.ToString(CultureInfo.InvariantCulture));
            json.Append(",\"payment_method\":\"").Append(Payments[random.Next(Payments.Length)]).Append('"');
            if (random.Next(3) != 0)
            {
                json.Append(",\"customer_id\":\"C").Append(random.Next(1, 30).ToString(CultureInfo.InvariantCulture))
                    .Append("\",\"customer_type\":\"").Append(CustomerTypes[random.Next(CustomerTypes.Length)]).Append('"');
            }

            if (random.Next(4) == 0)
            {
                json.Append(",\"campaign_id\":\"CMP").Append(random.Next(1, 4).ToString(CultureInfo.InvariantCulture)).Append('"');
            }

            var place = Places[random.Next(Places.Length)];
            if (place.Region.Length > 0)
            {
                json.Append(",\"location\":{\"region\":\"").Append(place.Region).Append("\",\"province\":\"").Append(place.Province)
                    .Append("\",\"city\":\"").Append(place.City).Append("\"}");
            }

            json.Append('}');
            string raw = json.ToString();
            rows.Add(new BronzeRow(i + 1, store, SHA256.HashData(Encoding.UTF8.GetBytes(raw)), raw, "dev-" + store, ts.AddSeconds(random.Next(0, 120))));
        }

        return rows;
    }

    /// <summary>A tiny stand-in resolver for tests of the medallion rules (the real one is Lakehouse.Geo's).</summary>
    public static PlaceAnswer Resolve(string? region, string? province, string? city) => city switch
    {
        "Quezon City" => new PlaceAnswer("exact", "1300000000", null, "1381300000"),
        "Cebu City" => new PlaceAnswer("exact", "0700000000", "0702200000", "0730600000"),
        "Santa Rosa" => new PlaceAnswer("exact", "0400000000", "0403400000", "0403428000"),
        "San Fernando" => new PlaceAnswer("ambiguous", "0300000000", null, null),
        _ => new PlaceAnswer("not_found", null, null, null),
    };
}
