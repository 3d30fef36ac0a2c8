using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>Realistic bronze rows for the medallion benchmarks (fixed seed): 1–5 items, customers, campaigns, places.</summary>
internal static class BronzeRows
{
    /// <summary>Options with a fixed customer key (benchmarks only).</summary>
    public static MedallionOptions Options() => new() { CustomerKey = CustomerKey.Create("bench-1", [.. Enumerable.Range(1, 32).Select(i => (byte)i)]) };

    public static List<BronzeRow> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        string[] categories = ["beverages", "snacks", "personal_care", "household", "tobacco", "other"];
        string[] cities = ["Quezon City", "Cebu City", "Santa Rosa", "Davao City", "Iloilo City"];
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var rows = new List<BronzeRow>(count);
        var json = new StringBuilder(512);
        for (int i = 0; i < count; i++)
        {
            string store = "S" + random.Next(1, 200).ToString(CultureInfo.InvariantCulture);
            DateTimeOffset ts = start.AddSeconds(random.Next(0, 30 * 86400));
            json.Clear().Append("{\"transaction_id\":\"T").Append(i).Append("\",\"store_id\":\"").Append(store)
                .Append("\",\"ts\":\"").Append(ts.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).Append("\",\"items\":[");
            decimal total = 0;
            int items = random.Next(1, 6);
            for (int k = 0; k < items; k++)
            {
                int qty = random.Next(1, 4);
                decimal price = random.Next(500, 15000) / 100m;
                total += qty * price;
                json.Append(k == 0 ? "" : ",").Append("{\"sku\":\"P").Append(random.Next(1, 300)).Append("\",\"brand\":\"Brand")
                    .Append(random.Next(1, 40)).Append("\",\"category\":\"").Append(categories[random.Next(categories.Length)])
                    .Append("\",\"qty\":").Append(qty).Append(",\"unit_price\":").Append(price.ToString(CultureInfo.InvariantCulture)).Append('}');
            }

            json.Append("],\"peso_value\":").Append(total.ToString(CultureInfo.InvariantCulture))
                .Append(",\"payment_method\":\"gcash\",\"customer_id\":\"C").Append(random.Next(1, 5000))
                .Append("\",\"customer_type\":\"returning\",\"location\":{\"city\":\"").Append(cities[random.Next(cities.Length)]).Append("\"}}");
            string raw = json.ToString();
            rows.Add(new BronzeRow(i + 1, store, SHA256.HashData(Encoding.UTF8.GetBytes(raw)), raw, null, ts));
        }

        return rows;
    }

    public static PlaceAnswer Resolve(string? region, string? province, string? city) =>
        new("exact", "1300000000", null, city is null ? null : "1381300000");
}
