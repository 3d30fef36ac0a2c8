using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Medallion.Tests;

/// <summary>A corpus whose customer ids are Philippine mobile numbers in mixed spellings and e-mails in mixed case.</summary>
internal static class PrivacyCorpus
{
    /// <summary>A person: the canonical id, the spellings a POS may send, and every text that must never leave bronze.</summary>
    public sealed record Person(string Canonical, string[] Spellings, string[] Needles);

    public static readonly string[] Stores = ["PA1", "PA2", "PB1", "PB2"];

    public static string TenantOf(string store) => store.StartsWith("PA", StringComparison.Ordinal) ? "tenant-a" : "tenant-b";

    public static List<Person> People()
    {
        var people = new List<Person>();
        int[] prefixes = [917, 918, 927, 939, 945, 966, 977, 995, 908, 921];
        var random = new Random(5);
        foreach (int prefix in prefixes)
        {
            string p = prefix.ToString(CultureInfo.InvariantCulture);
            string tail = random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            string a = tail[..3], b = tail[3..];
            string national = p + tail;
            string[] spellings =
            [
                "0" + national, $"+63 {p} {a} {b}", $"0{p}-{a}-{b}", "63" + national, $"(0{p}) {a} {b}", "+63" + national, $"{p}.{a}.{b}",
            ];
            people.Add(new Person("+63" + national, spellings,
                [.. spellings, "0" + national, "63" + national, national, "+63" + national, $"{p} {a} {b}", $"{p}-{a}-{b}", $"{a} {b}", $"{a}-{b}"]));
        }

        string[] names = ["juan.dela.cruz", "maria.santos", "jose.rizal88", "ana.reyes", "pedro.bautista", "liza.soberano.fan"];
        foreach (string name in names)
        {
            string email = name + "@example.ph";
            string[] spellings = [email, email.ToUpperInvariant(), " " + char.ToUpperInvariant(name[0]) + name[1..] + "@Example.PH ", name + "@EXAMPLE.ph"];
            people.Add(new Person(email, spellings, [.. spellings.Select(s => s.Trim()), email, name]));
        }

        return people;
    }

    /// <summary>JSON Lines: every person buys at several stores on several days, in a random spelling each time.</summary>
    public static string Lines(int seed, int count, IReadOnlyList<Person> people, int firstTransaction = 0, int days = 20)
    {
        var random = new Random(seed);
        var json = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            Person person = people[i % people.Count];
            string spelling = person.Spellings[random.Next(person.Spellings.Length)];
            string store = Stores[random.Next(Stores.Length)];
            var ts = new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.FromHours(8)).AddDays(random.Next(days)).AddMinutes(random.Next(16 * 60));
            decimal price = random.Next(500, 20_000) / 100m;
            int qty = random.Next(1, 4);
            string type = random.Next(3) == 0 ? "new" : "returning";
            json.Append(CultureInfo.InvariantCulture,
                $"{{\"store_id\":\"{store}\",\"transaction_id\":\"T{firstTransaction + i}\",\"ts\":\"{ts:yyyy-MM-ddTHH:mm:sszzz}\",")
                .Append(CultureInfo.InvariantCulture, $"\"peso_value\":{price * qty},\"payment_method\":\"gcash\",\"customer_id\":\"{spelling}\",")
                .Append(CultureInfo.InvariantCulture, $"\"customer_type\":\"{type}\",")
                .Append(CultureInfo.InvariantCulture, $"\"items\":[{{\"sku\":\"SKU{random.Next(5)}\",\"brand\":\"Milo\",\"category\":\"beverages\",\"qty\":{qty},\"unit_price\":{price}}}]}}")
                .Append('\n');
        }

        return json.ToString();
    }
}

/// <summary>Keeps every log record: message, structured values and exceptions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _records = [];

    public IReadOnlyList<string> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder().Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach ((string key, object? value) in values)
                {
                    text.Append(" | ").Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }

            text.Append(exception);
            lock (owner._records)
            {
                owner._records.Add(text.ToString());
            }
        }
    }
}
