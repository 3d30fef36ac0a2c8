using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lakehouse.Medallion;

namespace Lakehouse.Benchmarks.Medallion;

/// <summary>
/// Customer pseudonymization per identifier (normalize + HMAC-SHA256 + base32) against the floor: a plain
/// <c>HMACSHA256.HashData</c> over the raw identifier's UTF-8 bytes. Mixed corpus: PH mobiles in the common spellings,
/// a few odd phone spellings (libphonenumber), e-mails and loyalty codes.
/// </summary>
[MemoryDiagnoser]
public class PseudonymizationBenchmarks
{
    private const int Count = 10_000;
    private readonly byte[] _key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private string[] _ids = null!;
    private string[] _mobiles = null!;
    private CustomerPseudonymizer _pseudonymizer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _pseudonymizer = CustomerPseudonymizer.Create(CustomerKey.Create("bench-1", _key));
        _ids = new string[Count];
        _mobiles = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            string tail = random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            string mobile = (random.Next(4) switch { 0 => "0917", 1 => "0918", 2 => "0927", _ => "0995" }) + tail;
            _mobiles[i] = Spell(mobile, random.Next(5));
            _ids[i] = (i % 10) switch
            {
                < 5 => _mobiles[i],
                5 => "0063 " + mobile[1..4] + " " + tail,                                       // libphonenumber path
                6 or 7 => "Customer" + i.ToString(CultureInfo.InvariantCulture) + "@Example.PH",
                _ => "LC-" + random.Next(100_000).ToString("D6", CultureInfo.InvariantCulture),
            };
        }

        _pseudonymizer.Pseudonymize("tenant-a", _ids[0]); // the tenant key is derived once, then cached
    }

    private static string Spell(string mobile, int form) => form switch
    {
        0 => mobile,
        1 => "+63 " + mobile[1..4] + " " + mobile[4..7] + " " + mobile[7..],
        2 => mobile[..4] + "-" + mobile[4..7] + "-" + mobile[7..],
        3 => "63" + mobile[1..],
        _ => "(" + mobile[..4] + ") " + mobile[4..7] + " " + mobile[7..],
    };

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int HmacOverRawBytes()
    {
        Span<byte> utf8 = stackalloc byte[256];
        Span<byte> hash = stackalloc byte[32];
        int sum = 0;
        foreach (string id in _ids)
        {
            int n = Encoding.UTF8.GetBytes(id, utf8);
            HMACSHA256.HashData(_key, utf8[..n], hash);
            sum += hash[0];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int TryPseudonymizeMixed() => PseudonymizeAll(_ids);

    [Benchmark(OperationsPerInvoke = Count)]
    public int TryPseudonymizeMobilesFastPath() => PseudonymizeAll(_mobiles);

    private int PseudonymizeAll(string[] ids)
    {
        Span<char> destination = stackalloc char[CustomerPseudonymizer.MaxLength];
        int sum = 0;
        foreach (string id in ids)
        {
            _pseudonymizer.TryPseudonymize("tenant-a", id, destination, out int written);
            sum += written;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int NormalizeMobilesLibphonenumberOnly()
    {
        Span<char> destination = stackalloc char[32];
        int sum = 0;
        foreach (string id in _mobiles)
        {
            CustomerIdentifier.Normalize(id, destination, out int written, useFastPath: false);
            sum += written;
        }

        return sum;
    }
}
