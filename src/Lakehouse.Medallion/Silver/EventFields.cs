using System.Globalization;
using System.Text.Json;

namespace Lakehouse.Medallion;

/// <summary>The fields of a bronze event the silver transform uses (bronze rows were validated on the way in).</summary>
internal sealed record EventFields(
    string StoreId,
    string? TransactionId,
    string? DeviceId,
    DateTimeOffset? Ts,
    decimal PesoValue,
    string? PaymentMethod,
    string? CustomerId,
    string? CustomerType,
    string? CampaignId,
    decimal? HandshakeScore,
    IReadOnlyList<ItemFields> Items,
    string? Region,
    string? Province,
    string? City,
    string? Barangay)
{
    public static bool TryParse(string raw, out EventFields? fields, out string? error)
    {
        fields = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(raw);
            JsonElement root = document.RootElement;
            var items = new List<ItemFields>();
            if (root.TryGetProperty("items", out JsonElement array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in array.EnumerateArray())
                {
                    items.Add(new ItemFields(
                        Text(item, "sku"), Text(item, "product_id"), Text(item, "brand"), Text(item, "category"),
                        Number(item, "qty") ?? 1m, Number(item, "unit_price") ?? 0m, Number(item, "discount") ?? 0m));
                }
            }

            string? region = null, province = null, city = null, barangay = null;
            if (root.TryGetProperty("location", out JsonElement location) && location.ValueKind == JsonValueKind.Object)
            {
                region = Text(location, "region");
                province = Text(location, "province");
                city = Text(location, "city");
                barangay = Text(location, "barangay");
            }

            DateTimeOffset? ts = Text(root, "ts") is { } t
                && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed) ? parsed : null;
            fields = new EventFields(
                Text(root, "store_id") ?? throw new FormatException("store_id is missing"),
                Text(root, "transaction_id"), Text(root, "device_id"), ts,
                Number(root, "peso_value") ?? throw new FormatException("peso_value is missing"),
                Text(root, "payment_method"), Text(root, "customer_id"), Text(root, "customer_type"), Text(root, "campaign_id"),
                Number(root, "handshake_score"), items, region, province, city, barangay);
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            error = e.Message;
            return false;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static decimal? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            ? decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;
}

internal sealed record ItemFields(string? Sku, string? ProductId, string? Brand, string? Category, decimal Qty, decimal UnitPrice, decimal Discount);
