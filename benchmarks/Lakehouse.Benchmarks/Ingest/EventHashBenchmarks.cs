using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lakehouse.Ingest;

namespace Lakehouse.Benchmarks.Ingest;

/// <summary>
/// The event hash against plain SHA-256 of the same bytes, over a corpus of realistic transaction lines
/// (about 450 bytes each, fixed seed). One operation hashes the whole corpus.
/// </summary>
[MemoryDiagnoser]
public class EventHashBenchmarks
{
    private static readonly string[] s_payments = ["cash", "gcash", "maya", "card", "other"];
    private static readonly string[] s_customerTypes = ["new", "returning", "vip", "churned"];
    private static readonly (string Sku, string Brand, string Category)[] s_products =
    [
        ("COKE-330", "Coca-Cola", "beverages"), ("C2-GREEN-500", "C2", "beverages"), ("PIATTOS-40", "Piattos", "snacks"),
        ("NOVA-78", "Nova", "snacks"), ("SAFEGUARD-60", "Safeguard", "personal_care"), ("TIDE-BAR-130", "Tide", "household"),
        ("MARLBORO-RED", "Marlboro", "tobacco"), ("LUCKYME-PANCIT", "Lucky Me!", "other"),
    ];

    private static readonly (string Region, string Province, string City, string Barangay)[] s_places =
    [
        ("NCR", "Metro Manila", "Quezon City", "Bagong Pag-asa"), ("Region VII", "Cebu", "Cebu City", "Lahug"),
        ("CALABARZON", "Laguna", "Santa Rosa", "Balibago"), ("Region XI", "Davao del Sur", "Davao City", "Poblacion"),
    ];

    private byte[][] _lines = [];
    private readonly byte[] _hash = new byte[EventHasher.HashSizeInBytes];

    /// <summary>Number of lines in the corpus.</summary>
    [Params(1000)]
    public int Lines { get; set; }

    /// <summary>Builds the corpus.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261123);
        _lines = new byte[Lines][];
        for (int i = 0; i < Lines; i++)
        {
            _lines[i] = Encoding.UTF8.GetBytes(Line(random, i));
        }
    }

    /// <summary>Average line length in bytes (for the report).</summary>
    public double AverageLength => _lines.Average(l => l.Length);

    /// <summary>SHA-256 over the raw line bytes: the floor.</summary>
    [Benchmark(Baseline = true)]
    public int RawSha256()
    {
        int x = 0;
        foreach (byte[] line in _lines)
        {
            SHA256.HashData(line, _hash);
            x ^= _hash[0];
        }

        return x;
    }

    /// <summary>Validation, jsonb canonical form and SHA-256.</summary>
    [Benchmark]
    public int EventHash()
    {
        int x = 0;
        foreach (byte[] line in _lines)
        {
            EventHasher.TryComputeHash(line, _hash, out _);
            x ^= _hash[0];
        }

        return x;
    }

    private static string Line(Random random, int i)
    {
        var place = s_places[random.Next(s_places.Length)];
        var sb = new StringBuilder(512);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"transaction_id\":\"TX-2026-{random.Next(1, 12):00}-{i:000000}\",\"store_id\":\"{random.Next(100, 999)}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"device_id\":\"pi5-{random.Next(1000, 9999)}\",\"ts\":\"2026-11-{random.Next(1, 28):00}T{random.Next(0, 23):00}:{random.Next(0, 59):00}:{random.Next(0, 59):00}+08:00\",");
        int itemCount = random.Next(1, 3);
        decimal total = 0;
        var items = new StringBuilder();
        for (int k = 0; k < itemCount; k++)
        {
            var p = s_products[random.Next(s_products.Length)];
            int qty = random.Next(1, 5);
            decimal price = random.Next(500, 15000) / 100m;
            total += qty * price;
            items.Append(k == 0 ? "" : ",");
            items.Append(CultureInfo.InvariantCulture, $"{{\"sku\":\"{p.Sku}\",\"brand\":\"{p.Brand}\",\"category\":\"{p.Category}\",\"qty\":{qty},\"unit_price\":{price:0.00},\"discount\":0}}");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\"peso_value\":{total:0.00},\"payment_method\":\"{s_payments[random.Next(s_payments.Length)]}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"customer_type\":\"{s_customerTypes[random.Next(s_customerTypes.Length)]}\",\"handshake_score\":{random.NextDouble():0.00},");
        sb.Append("\"items\":[").Append(items).Append("],");
        sb.Append(CultureInfo.InvariantCulture, $"\"location\":{{\"region\":\"{place.Region}\",\"province\":\"{place.Province}\",\"city\":\"{place.City}\",\"barangay\":\"{place.Barangay}\"}}}}");
        return sb.ToString();
    }
}
