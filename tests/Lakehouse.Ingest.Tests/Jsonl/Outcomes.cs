using System.Globalization;
using System.Text;

namespace Lakehouse.Ingest.Tests;

internal static class Outcomes
{
    public static async Task<List<string>> ReadAllAsync(JsonlReader reader, bool async)
    {
        var list = new List<string>();
        using (reader)
        {
            while (async ? await reader.ReadAsync() : reader.Read())
            {
                list.Add(Describe(reader));
            }
        }

        return list;
    }

    public static List<string> ReadAll(JsonlReader reader) => ReadAllAsync(reader, async: false).GetAwaiter().GetResult();

    public static string Describe(JsonlReader reader)
    {
        if (!reader.IsValid)
        {
            IngestError e = reader.Error;
            return string.Create(CultureInfo.InvariantCulture, $"{e.LineNumber}@{e.ByteOffset} {e.Reason} {e.Field}");
        }

        TransactionRecord r = reader.Record;
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.LineNumber}@{r.ByteOffset} ok store={Encoding.UTF8.GetString(r.StoreId)} peso={r.PesoValue} hash={Convert.ToHexStringLower(r.EventHash)[..12]} raw={Encoding.UTF8.GetString(r.Raw)}");
    }
}
