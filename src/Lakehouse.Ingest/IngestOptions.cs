using System.ComponentModel.DataAnnotations;

namespace Lakehouse.Ingest;

/// <summary>Options of the JSON Lines reader, the validation rules and the in-process dedup window (bindable to <c>Lakehouse:Ingest</c>).</summary>
public sealed class IngestOptions : IValidatableObject
{
    /// <summary>The default for <see cref="MaxLineBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxLineBytes = 1024 * 1024;

    /// <summary>The longest line accepted, in bytes, not counting its <c>\n</c> or <c>\r\n</c>.</summary>
    /// <value>1 MiB.</value>
    /// <remarks>A longer line is reported as <see cref="IngestErrorReason.LineTooLong"/> and skipped to the next <c>\n</c> without being buffered whole, so memory stays bounded by this value.</remarks>
    [Range(16, 256 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;

    /// <summary>The default for <see cref="MaxPesoValue"/>: 10^28, the largest power of ten a <see cref="decimal"/> holds.</summary>
    public const decimal DefaultMaxPesoValue = 10_000_000_000_000_000_000_000_000_000m;

    /// <summary>The exclusive ceiling of <c>peso_value</c> (and of item <c>unit_price</c>), compared as exact decimals.</summary>
    /// <value>10^28.</value>
    /// <remarks>
    /// The contract sets no ceiling (<c>peso_value</c> is any number ≥ 0), so the default only keeps out amounts that
    /// the family could not carry as <see cref="decimal"/> downstream (<see cref="TransactionRecord.PesoValue"/>, silver).
    /// Set a lower value (e.g. 10,000,000) to refuse implausible amounts as a business rule.
    /// </remarks>
    public decimal MaxPesoValue { get; set; } = DefaultMaxPesoValue;

    /// <summary>The most events the in-process dedup window remembers; 0 turns the window off.</summary>
    /// <value>100,000.</value>
    [Range(0, 100_000_000)]
    public int DedupWindowMaxEntries { get; set; } = 100_000;

    /// <summary>A memory cap for the dedup window in bytes; the window holds at most this many bytes / 64 entries.</summary>
    /// <value>16 MiB.</value>
    [Range(0L, long.MaxValue)]
    public long DedupWindowMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The service key of the <c>NpgsqlDataSource</c> to resolve from the container; <see langword="null"/> resolves the unkeyed one.</summary>
    public string? DataSourceKey { get; set; }

    /// <summary>Checks what attributes cannot express: <see cref="MaxPesoValue"/> must be positive.</summary>
    /// <param name="validationContext">Unused.</param>
    /// <returns>The failures.</returns>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxPesoValue <= 0)
        {
            yield return new ValidationResult(
                "MaxPesoValue must be greater than 0, got " + MaxPesoValue.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
                [nameof(MaxPesoValue)]);
        }
    }
}
