using System.Globalization;
using System.Text;

namespace Lakehouse.Ingest.Tests;

/// <summary>
/// Generates realistic transaction JSON Lines with a fixed seed: sari-sari store sales with 1–5 items, PH
/// timestamps, messy typed place names and a share of exact replays. Shared by tests and benchmarks.
/// </summary>
public sealed class TransactionCorpus
{
    private static readonly string[] Regions = ["NCR", "Metro Manila", "region iv-a", "CALABARZON", "Region VII", "Central Visayas", "Davao Region", "  Region 3 ", "Ilocos"];
    private static readonly string[] Provinces = ["Cavite", "laguna", "Cebu", "DAVAO DEL SUR", "Pampanga", "Batangas ", "Rizal", "Bulacan", ""];
    private static readonly string[] Cities = ["Quezon City", "Q.C.", "City of Manila", "Makati", "Parañaque", "PARANAQUE", "Cebu City", "Davao", "San Fernando", "Dasmariñas", "las pinas", "Taguig City "];
    private static readonly string[] Barangays = ["Brgy. San Isidro", "Bgy 176", "Poblacion", "Sto. Niño", "Barangay Bagong Silang", "Malate", "Lahug", "Talomo", "bgy. 12-a"];
    private static readonly (string Sku, string Brand, string Category, decimal Price)[] Products =
    [
        ("COKE-330", "Coca-Cola", "beverages", 25.00m), ("C2-500", "C2", "beverages", 22.50m), ("PIATTOS-85", "Jack 'n Jill", "snacks", 32.00m),
        ("NOVA-78", "Jack 'n Jill", "snacks", 28.75m), ("SAFEG-90", "Safeguard", "personal_care", 45.00m), ("SURF-70", "Surf", "household", 12.00m),
        ("MARL-20", "Marlboro", "tobacco", 180.00m), ("LUCKYME-55", "Lucky Me!", "other", 16.50m), ("KOPIKO-3N1", "Kopiko", "beverages", 9.00m),
    ];

    private static readonly string[] Payments = ["cash", "gcash", "maya", "card", "other"];
    private static readonly string[] CustomerTypes = ["new", "returning", "vip", "churned"];

    /// <summary>Makes <paramref name="count"/> lines (each ending in <c>\n</c>), about 2 % of them exact replays of earlier lines.</summary>
    public static List<byte[]> Lines(int count, int seed = 20261121, double replayShare = 0.02)
    {
        var random = new Random(seed);
        var lines = new List<byte[]>(count);
        var start = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.FromHours(8));
        for (int i = 0; i < count; i++)
        {
            if (lines.Count > 10 && random.NextDouble() < replayShare)
            {
                lines.Add(lines[random.Next(lines.Count)]);
                continue;
            }

            lines.Add(Encoding.UTF8.GetBytes(Event(random, i, start) + "\n"));
        }

        return lines;
    }

    /// <summary>All lines of <see cref="Lines"/> as one buffer.</summary>
    public static byte[] Bytes(int count, int seed = 20261121, double replayShare = 0.02)
    {
        List<byte[]> lines = Lines(count, seed, replayShare);
        byte[] all = new byte[lines.Sum(l => l.Length)];
        int at = 0;
        foreach (byte[] line in lines)
        {
            line.CopyTo(all, at);
            at += line.Length;
        }

        return all;
    }

    /// <summary>One valid event as JSON text (no newline).</summary>
    public static string Event(Random random, int index, DateTimeOffset start)
    {
        var sb = new StringBuilder(512);
        int store = random.Next(100, 400);
        int device = store * 10 + random.Next(3);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"transaction_id\":\"tx-{store}-{index:D8}\",\"store_id\":\"{store}\",\"device_id\":\"pi5-{device:D4}\"");
        DateTimeOffset ts = start.AddSeconds(index * 7 + random.Next(7));
        sb.Append(CultureInfo.InvariantCulture, $",\"ts\":\"{ts:yyyy-MM-ddTHH:mm:ss}+08:00\"");
        int itemCount = random.Next(1, 6) > 3 ? random.Next(1, 6) : random.Next(1, 4); // 1–5 items, mostly small baskets
        decimal total = 0;
        var items = new StringBuilder();
        for (int k = 0; k < itemCount; k++)
        {
            var p = Products[random.Next(Products.Length)];
            int qty = random.Next(1, 4);
            decimal discount = random.Next(10) == 0 ? 1.00m : 0m;
            total += (p.Price * qty) - discount;
            if (k > 0)
            {
                items.Append(',');
            }

            items.Append(CultureInfo.InvariantCulture, $"{{\"sku\":\"{p.Sku}\"");
            if (random.Next(2) == 0)
            {
                items.Append(CultureInfo.InvariantCulture, $",\"brand\":\"{Escape(p.Brand)}\"");
            }

            items.Append(CultureInfo.InvariantCulture, $",\"category\":\"{p.Category}\",\"qty\":{qty},\"unit_price\":{p.Price:0.00}");
            if (discount > 0)
            {
                items.Append(CultureInfo.InvariantCulture, $",\"discount\":{discount:0.00}");
            }

            items.Append('}');
        }

        sb.Append(CultureInfo.InvariantCulture, $",\"peso_value\":{total:0.00},\"payment_method\":\"{Payments[random.Next(Payments.Length)]}\"");
        if (random.Next(3) > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $",\"customer_id\":\"c-{random.Next(100000):D6}\",\"customer_type\":\"{CustomerTypes[random.Next(CustomerTypes.Length)]}\"");
        }

        if (random.Next(5) == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $",\"campaign_id\":\"cmp-{random.Next(20)}\",\"handshake_score\":{random.Next(101) / 100m:0.00}");
        }

        sb.Append(",\"items\":[").Append(items).Append(']');
        sb.Append(CultureInfo.InvariantCulture,
            $",\"location\":{{\"region\":\"{Regions[random.Next(Regions.Length)]}\",\"province\":\"{Provinces[random.Next(Provinces.Length)]}\",\"city\":\"{Cities[random.Next(Cities.Length)]}\",\"barangay\":\"{Barangays[random.Next(Barangays.Length)]}\"}}");
        if (random.Next(10) == 0)
        {
            sb.Append(",\"fw\":\"1.4.2\"");
        }

        sb.Append('}');
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\"", "\\\"", StringComparison.Ordinal);
}
