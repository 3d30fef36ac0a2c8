using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Lakehouse.Ingest;
using Lakehouse.Ingest.Tests;

namespace Lakehouse.Benchmarks.Ingest;

/// <summary>
/// Read + validate + hash of a realistic corpus (fixed seed, ~2 % replays) vs System.Text.Json source-generated
/// deserialization of the same lines (which neither validates the contract nor hashes).
/// </summary>
[MemoryDiagnoser]
public class JsonlReaderBenchmarks
{
    private byte[] _corpus = [];

    [Params(100_000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _corpus = TransactionCorpus.Bytes(Lines);
        Console.WriteLine($"// corpus: {Lines} lines, {_corpus.Length} bytes, {_corpus.Length / (double)Lines:0} B/line");
    }

    [Benchmark(Baseline = true)]
    public long SystemTextJson_SourceGenerated()
    {
        ReadOnlySpan<byte> rest = _corpus;
        long sum = 0;
        while (!rest.IsEmpty)
        {
            int nl = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? default : rest[(nl + 1)..];
            StjEvent? e = JsonSerializer.Deserialize(line, StjContext.Default.StjEvent);
            sum += e!.Items?.Count ?? 0;
        }

        return sum;
    }

    [Benchmark]
    public long JsonlReader_ValidateAndHash()
    {
        using JsonlReader reader = JsonlReader.Create(_corpus);
        long sum = 0;
        while (reader.Read())
        {
            sum += reader.IsValid ? reader.Record.ItemCount : 0;
        }

        return sum;
    }

    [Benchmark]
    public async Task<long> JsonlReader_Stream_Async()
    {
        using JsonlReader reader = JsonlReader.Create(new MemoryStream(_corpus, writable: false));
        long sum = 0;
        while (await reader.ReadAsync())
        {
            sum += reader.IsValid ? 1 : 0;
        }

        return sum;
    }
}

public sealed class StjEvent
{
    [JsonPropertyName("transaction_id")] public string? TransactionId { get; set; }
    [JsonPropertyName("store_id")] public string? StoreId { get; set; }
    [JsonPropertyName("device_id")] public string? DeviceId { get; set; }
    [JsonPropertyName("ts")] public DateTimeOffset? Ts { get; set; }
    [JsonPropertyName("peso_value")] public decimal PesoValue { get; set; }
    [JsonPropertyName("payment_method")] public string? PaymentMethod { get; set; }
    [JsonPropertyName("customer_id")] public string? CustomerId { get; set; }
    [JsonPropertyName("customer_type")] public string? CustomerType { get; set; }
    [JsonPropertyName("campaign_id")] public string? CampaignId { get; set; }
    [JsonPropertyName("handshake_score")] public decimal? HandshakeScore { get; set; }
    [JsonPropertyName("items")] public List<StjItem>? Items { get; set; }
    [JsonPropertyName("location")] public StjLocation? Location { get; set; }
}

public sealed class StjItem
{
    [JsonPropertyName("sku")] public string? Sku { get; set; }
    [JsonPropertyName("product_id")] public string? ProductId { get; set; }
    [JsonPropertyName("brand")] public string? Brand { get; set; }
    [JsonPropertyName("category")] public string? Category { get; set; }
    [JsonPropertyName("qty")] public decimal? Qty { get; set; }
    [JsonPropertyName("unit_price")] public decimal? UnitPrice { get; set; }
    [JsonPropertyName("discount")] public decimal? Discount { get; set; }
}

public sealed class StjLocation
{
    [JsonPropertyName("region")] public string? Region { get; set; }
    [JsonPropertyName("province")] public string? Province { get; set; }
    [JsonPropertyName("city")] public string? City { get; set; }
    [JsonPropertyName("barangay")] public string? Barangay { get; set; }
}

[JsonSerializable(typeof(StjEvent))]
public sealed partial class StjContext : JsonSerializerContext;
