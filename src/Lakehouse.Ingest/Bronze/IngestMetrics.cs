using System.Diagnostics.Metrics;

namespace Lakehouse.Ingest;

// The loader's instruments: one process-wide meter, so every BronzeLoader adds to the same series.
internal static class IngestMetrics
{
    private static readonly Meter s_meter = new(BronzeLoader.MeterName);

    private static readonly Counter<long> s_events = s_meter.CreateCounter<long>(
        "lakehouse.ingest.events", "{event}", "Lines committed by bronze loads, by outcome (inserted, duplicate, rejected).");

    private static readonly Counter<long> s_batches = s_meter.CreateCounter<long>(
        "lakehouse.ingest.batches", "{batch}", "Bronze batches committed.");

    public static void Record(BronzeLoadResult result)
    {
        s_batches.Add(1);
        if (!s_events.Enabled)
        {
            return;
        }

        s_events.Add(result.Inserted, new KeyValuePair<string, object?>("outcome", "inserted"));
        s_events.Add(result.Duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        s_events.Add(result.Rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
    }
}
