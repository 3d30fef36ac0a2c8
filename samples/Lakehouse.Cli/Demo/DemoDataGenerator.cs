using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lakehouse.Cli.Demo;

/// <summary>What the generator planted, so the demo (and its tests) can say what the pipeline should find.</summary>
/// <param name="Lines">Lines written.</param>
/// <param name="Distinct">Distinct valid events.</param>
/// <param name="Replays">Valid events sent again (same event, maybe other key order and spacing).</param>
/// <param name="Malformed">Lines planted to be rejected.</param>
internal sealed record DemoCorpusStats(int Lines, int Distinct, int Replays, int Malformed);

/// <summary>
/// A day of sari-sari store transactions as the POS boxes would send them: stores across the regions with their
/// locations typed messily, customers who give their mobile number in different spellings, an e-mail or a loyalty
/// code, baskets of local brands, peaks at breakfast, lunch and after work, a few replays and some broken lines.
/// Deterministic for a seed.
/// </summary>
internal sealed class DemoDataGenerator
{
    private static readonly TimeSpan PhilippineOffset = TimeSpan.FromHours(8);

    // (region, province, city) as a store owner might type them; every one resolves to a place.
    private static readonly (string Region, string Province, string City)[] Places =
    [
        ("NCR", "Metro Manila", "Quezon City"),
        ("ncr", "", "QC"),
        ("Metro Manila", "", "Manila"),
        ("NCR", "Metro Manila", "Makati City"),
        ("National Capital Region", "", "Pasig"),
        ("NCR", "", "Caloocan"),
        ("NCR", "", "Taguig City"),
        ("Region IV-A", "Cavite", "Bacoor"),
        ("CALABARZON", "Laguna", "Sta. Rosa"),
        ("4A", "Batangas", "Lipa City"),
        ("Region IV-A", "Rizal", "Antipolo"),
        ("Region III", "Bulacan", "Malolos"),
        ("Central Luzon", "Pampanga", "San Fernando"),
        ("Region 3", "Nueva Ecija", "Cabanatuan City"),
        ("Region I", "Pangasinan", "Dagupan"),
        ("Ilocos Region", "Ilocos Norte", "Laoag City"),
        ("CAR", "Benguet", "Baguio City"),
        ("Region II", "Isabela", "Santiago City"),
        ("Region V", "Albay", "Legazpi"),
        ("Bicol", "Camarines Sur", "Naga City"),
        ("Region VI", "Iloilo", "Iloilo City"),
        ("Western Visayas", "Negros Occidental", "Bacolod"),
        ("Region VII", "Cebu", "Cebu City"),
        ("Central Visayas", "Cebu", "Mandaue"),
        ("Region 7", "Bohol", "Tagbilaran"),
        ("Region VIII", "Leyte", "Tacloban City"),
        ("Region IX", "Zamboanga del Sur", "Zamboanga City"),
        ("Region X", "Misamis Oriental", "Cagayan de Oro"),
        ("Northern Mindanao", "Bukidnon", "Malaybalay"),
        ("Region XI", "Davao del Sur", "Davao City"),
        ("Davao Region", "Davao del Norte", "Tagum"),
        ("Region XII", "South Cotabato", "General Santos"),
        ("SOCCSKSARGEN", "South Cotabato", "Koronadal"),
        ("Caraga", "Agusan del Norte", "Butuan City"),
        ("MIMAROPA", "Palawan", "Puerto Princesa"),
        ("Region IV-B", "Oriental Mindoro", "Calapan"),
        ("BARMM", "Maguindanao del Norte", "Cotabato City"),
        ("NCR", "", "Quezon Citty"),          // a typing error
        ("Region 7", "", "Lapu Lapu"),
        ("", "", "San Jose"),                 // a dozen San Joses: ambiguous, stays unresolved with its reason
    ];

    private static readonly (string Sku, string Brand, string Category, decimal Price)[] Products =
    [
        ("COKE-290", "Coca-Cola", "beverages", 20m), ("ROYAL-290", "Royal", "beverages", 20m),
        ("C2-230", "C2", "beverages", 18m), ("NESCAFE-3IN1", "Nescafé", "beverages", 9m),
        ("KOPIKO-BLK", "Kopiko", "beverages", 8m), ("ZESTO-200", "Zesto", "beverages", 12m),
        ("MILO-22G", "Milo", "beverages", 10m), ("LUCKYME-PCS", "Lucky Me!", "snacks", 15m),
        ("PIATTOS-40", "Piattos", "snacks", 22m), ("NOVA-40", "Nova", "snacks", 20m),
        ("OISHI-PRAWN", "Oishi", "snacks", 12m), ("SKYFLAKES-25", "SkyFlakes", "snacks", 8m),
        ("BOYBAWANG-100", "Boy Bawang", "snacks", 25m), ("SAFEGUARD-60", "Safeguard", "personal_care", 32m),
        ("PALMOLIVE-SCH", "Palmolive", "personal_care", 7m), ("COLGATE-SCH", "Colgate", "personal_care", 9m),
        ("CREAMSILK-SCH", "Creamsilk", "personal_care", 8m), ("SURF-70", "Surf", "household", 12m),
        ("TIDE-66", "Tide", "household", 14m), ("JOY-20", "Joy", "household", 9m),
        ("ZONROX-250", "Zonrox", "household", 24m), ("MARLBORO-1", "Marlboro", "tobacco", 9m),
        ("FORTUNE-1", "Fortune", "tobacco", 7m), ("YELO-1", "", "other", 5m),
        ("LOAD-20", "Smart Load", "other", 20m),
    ];

    private static readonly string[] Payments = ["cash", "cash", "cash", "cash", "cash", "gcash", "gcash", "maya", "card", "other"];

    private readonly Random _random;
    private readonly DateOnly _day;
    private readonly int _stores;

    /// <summary>Creates a generator.</summary>
    /// <param name="day">The Philippine local day the transactions fall on.</param>
    /// <param name="stores">How many stores (1–500).</param>
    /// <param name="seed">The seed: the same seed gives the same bytes.</param>
    public DemoDataGenerator(DateOnly day, int stores, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stores, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stores, 500);
        _day = day;
        _stores = stores;
        _random = new Random(seed);
    }

    /// <summary>Writes about <paramref name="transactions"/> distinct transactions, plus replays and malformed lines, as JSON Lines.</summary>
    /// <param name="output">Receives UTF-8 JSON Lines.</param>
    /// <param name="transactions">Distinct transactions to generate (at least 1).</param>
    /// <returns>What was planted.</returns>
    public DemoCorpusStats Write(Stream output, int transactions)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(transactions, 1);
        var stores = Enumerable.Range(0, _stores).Select(CreateStore).ToArray();
        var sent = new List<byte[]>(transactions);
        int lines = 0, replays = 0, malformed = 0;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            for (int i = 0; i < transactions; i++)
            {
                Store store = stores[PickStore(stores.Length)];
                buffer.SetLength(0);
                writer.Reset(buffer);
                WriteTransaction(writer, store, i);
                writer.Flush();
                byte[] line = buffer.ToArray();
                sent.Add(line);
                WriteLine(output, line);
                lines++;

                double roll = _random.NextDouble();
                if (roll < 0.025 && sent.Count > 1)
                {
                    // A replay: the box re-sends an earlier event after a lost acknowledgement, sometimes re-serialised.
                    byte[] earlier = sent[_random.Next(sent.Count)];
                    WriteLine(output, _random.Next(2) == 0 ? earlier : Reshape(earlier));
                    lines++;
                    replays++;
                }
                else if (roll < 0.033)
                {
                    WriteLine(output, Encoding.UTF8.GetBytes(Malformed(line)));
                    lines++;
                    malformed++;
                }
            }
        }

        return new DemoCorpusStats(lines, transactions, replays, malformed);
    }

    private static void WriteLine(Stream output, ReadOnlySpan<byte> line)
    {
        output.Write(line);
        output.WriteByte((byte)'\n');
    }

    private Store CreateStore(int index)
    {
        (string region, string province, string city) = Places[index % Places.Length];
        string id = (101 + index).ToString(CultureInfo.InvariantCulture);
        int customers = 30 + _random.Next(90);
        var pool = new string[customers][];
        for (int c = 0; c < customers; c++)
        {
            pool[c] = CustomerSpellings(index, c);
        }

        return new Store(id, "pi5-" + id.PadLeft(4, '0'), region, province, city, pool);
    }

    private int PickStore(int count)
    {
        // Skewed towards the first stores (the metro ones) without starving the rest.
        double u = _random.NextDouble();
        return Math.Min(count - 1, (int)(count * u * u * 0.6 + _random.Next(count) * 0.4));
    }

    // One person, the spellings the cashier may type for them.
    private string[] CustomerSpellings(int store, int customer)
    {
        int kind = _random.Next(10);
        if (kind < 6)
        {
            string digits = "9" + (170 + _random.Next(30)).ToString(CultureInfo.InvariantCulture)
                + _random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            return
            [
                "0" + digits,
                "+63 " + digits[..3] + " " + digits[3..6] + " " + digits[6..],
                "0" + digits[..3] + "-" + digits[3..6] + "-" + digits[6..],
                "63" + digits,
            ];
        }

        if (kind < 8)
        {
            string name = (customer % 2 == 0 ? "maria" : "juan") + "." + store.ToString(CultureInfo.InvariantCulture) + "." + customer.ToString(CultureInfo.InvariantCulture);
            return [name + "@example.ph", " " + name.ToUpperInvariant() + "@Example.PH "];
        }

        return ["SUKI-" + (store * 1000 + customer).ToString("D6", CultureInfo.InvariantCulture)];
    }

    private void WriteTransaction(Utf8JsonWriter w, Store store, int sequence)
    {
        DateTimeOffset ts = Timestamp();
        w.WriteStartObject();
        w.WriteString("transaction_id", string.Create(CultureInfo.InvariantCulture, $"{store.Id}-{_day:yyyyMMdd}-{sequence:D6}"));
        w.WriteString("store_id", store.Id);
        w.WriteString("device_id", store.Device);
        w.WriteString("ts", ts.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        w.WriteString("payment_method", Payments[_random.Next(Payments.Length)]);
        if (_random.NextDouble() < 0.7)
        {
            string[] person = store.Customers[_random.Next(store.Customers.Length)];
            w.WriteString("customer_id", person[_random.Next(person.Length)]);
            w.WriteString("customer_type", _random.Next(10) switch { 0 => "new", 1 => "vip", _ => "returning" });
        }

        bool campaign = _random.NextDouble() < 0.12;
        if (campaign)
        {
            w.WriteString("campaign_id", _random.Next(2) == 0 ? "PASKO-2026" : "SUKI-REWARDS");
        }

        w.WriteNumber("handshake_score", Math.Round((decimal)_random.NextDouble(), 2));
        decimal total = 0;
        w.WriteStartArray("items");
        int items = 1 + (int)Math.Floor(-Math.Log(1 - _random.NextDouble()) * 1.6);
        for (int i = 0; i < Math.Min(items, 12); i++)
        {
            (string sku, string brand, string category, decimal price) = Products[_random.Next(Products.Length)];
            int qty = _random.Next(6) == 0 ? 2 + _random.Next(4) : 1;
            decimal discount = campaign && _random.Next(3) == 0 ? Math.Round(price * qty * 0.1m, 2) : 0m;
            w.WriteStartObject();
            w.WriteString("sku", sku);
            if (brand.Length > 0)
            {
                // Brands typed the way cashiers type them now and then.
                w.WriteString("brand", _random.Next(8) == 0 ? brand.ToUpperInvariant() : brand);
            }

            w.WriteString("category", category);
            w.WriteNumber("qty", qty);
            w.WriteNumber("unit_price", price);
            if (discount > 0)
            {
                w.WriteNumber("discount", discount);
            }

            w.WriteEndObject();
            total += price * qty - discount;
        }

        w.WriteEndArray();
        w.WriteNumber("peso_value", total);
        w.WriteStartObject("location");
        w.WriteString("region", store.Region);
        if (store.Province.Length > 0)
        {
            w.WriteString("province", store.Province);
        }

        w.WriteString("city", _random.Next(10) == 0 ? store.City.ToUpperInvariant() : store.City);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private DateTimeOffset Timestamp()
    {
        // Breakfast, lunch and after-work peaks over a 5:00–23:00 day.
        double hour = _random.Next(4) switch
        {
            0 => 6.5 + Normal() * 1.0,
            1 => 12 + Normal() * 1.2,
            2 => 18 + Normal() * 1.5,
            _ => 5 + _random.NextDouble() * 18,
        };
        hour = Math.Clamp(hour, 5, 23.98);
        var local = new DateTimeOffset(_day.ToDateTime(TimeOnly.MinValue), PhilippineOffset);
        return local.AddSeconds(Math.Floor(hour * 3600));
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    // The same event with its keys in another order and other spacing: it must hash to the same event.
    private static byte[] Reshape(byte[] line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        var builder = new StringBuilder("{ ");
        bool first = true;
        foreach (JsonProperty property in document.RootElement.EnumerateObject().Reverse())
        {
            builder.Append(first ? "" : " , ").Append(JsonSerializer.Serialize(property.Name)).Append(" : ").Append(property.Value.GetRawText());
            first = false;
        }

        return Encoding.UTF8.GetBytes(builder.Append(" }").ToString());
    }

    private string Malformed(byte[] line)
    {
        string text = Encoding.UTF8.GetString(line);
        return _random.Next(5) switch
        {
            0 => text[..(text.Length / 2)],                                                      // cut off mid-upload
            1 => text.Replace("\"peso_value\":", "\"peso_value\":-", StringComparison.Ordinal),     // negative total
            2 => text.Replace("\"store_id\":", "\"store\":", StringComparison.Ordinal),             // required field missing
            3 => text.Replace("\"category\":\"beverages\"", "\"category\":\"beer\"", StringComparison.Ordinal)
                     .Replace("\"category\":\"snacks\"", "\"category\":\"chichirya\"", StringComparison.Ordinal)
                     .Replace("\"category\":\"household\"", "\"category\":\"sabon\"", StringComparison.Ordinal)
                     .Replace("\"category\":\"other\"", "\"category\":\"yelo\"", StringComparison.Ordinal)
                     .Replace("\"category\":\"tobacco\"", "\"category\":\"yosi\"", StringComparison.Ordinal)
                     .Replace("\"category\":\"personal_care\"", "\"category\":\"shampoo\"", StringComparison.Ordinal),
            _ => "POS-ERR 0x1F: printer out of paper",                                           // not JSON at all
        };
    }

    private sealed record Store(string Id, string Device, string Region, string Province, string City, string[][] Customers);
}
