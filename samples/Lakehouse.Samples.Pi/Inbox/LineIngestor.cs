using Lakehouse.Ingest;
using Lakehouse.Samples.Pi.Spool;

namespace Lakehouse.Samples.Pi.Inbox;

/// <summary>Counts of one source read into the spool.</summary>
internal readonly record struct IngestCounts(long Valid, long Rejected);

/// <summary>
/// Reads JSON Lines with Lakehouse.Ingest's <see cref="JsonlReader"/> (validation and the event hash included):
/// each valid line's raw bytes go to the spool as received, each rejected line to a <see cref="RejectFile"/>.
/// </summary>
internal sealed class LineIngestor(SegmentSpool spool, IngestOptions ingestOptions)
{
    public SegmentSpool Spool => spool;

    /// <summary>Reads <paramref name="input"/> to its end; the caller makes the spool and rejects durable.</summary>
    public async Task<IngestCounts> ReadAsync(Stream input, RejectFile rejects, CancellationToken cancellationToken, Action? afterReject = null)
    {
        long valid = 0, rejected = 0;
        using JsonlReader reader = JsonlReader.Create(input, ingestOptions, leaveOpen: true);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.IsValid)
            {
                spool.Append(reader.CurrentRaw);
                valid++;
            }
            else
            {
                rejects.Add(reader.Error, reader.CurrentRaw);
                rejected++;
                afterReject?.Invoke();
            }
        }

        return new IngestCounts(valid, rejected);
    }
}
