using System.Text.Json.Serialization;

namespace Lakehouse.Samples.Api;

/// <summary>What <c>POST /ingest-transaction</c> answers. Accepted = Inserted + Duplicates.</summary>
/// <param name="Accepted">Valid events (new or already known).</param>
/// <param name="Inserted">Events new to bronze.</param>
/// <param name="Duplicates">Valid events bronze already had.</param>
/// <param name="Rejected">Lines (or array elements) refused; each is also kept in <c>scout.bronze_rejects</c>.</param>
/// <param name="Errors">The first rejected lines, in input order (at most <c>Lakehouse:Api:MaxErrors</c>).</param>
/// <param name="Truncated">Whether more lines were rejected than <paramref name="Errors"/> lists.</param>
public sealed record IngestResponse(long Accepted, long Inserted, long Duplicates, long Rejected, IReadOnlyList<IngestLineError> Errors, bool Truncated);

/// <summary>One rejected line of an ingest request.</summary>
/// <param name="Line">1-based line number in the body (blank lines count); for a JSON array, the 1-based element index.</param>
/// <param name="Offset">Byte offset of the line (or element) in the body.</param>
/// <param name="Reason">Why: <c>invalid_json</c>, <c>not_an_object</c>, <c>rejected_by_jsonb</c>, <c>line_too_long</c>, <c>missing_field</c>,
/// <c>wrong_type</c>, <c>empty_value</c>, <c>out_of_range</c>, <c>unknown_enum_value</c>, <c>invalid_timestamp</c>.</param>
/// <param name="Field">The field at fault as a JSON path, absent when the whole line is.</param>
/// <param name="Message">A human-readable explanation.</param>
public sealed record IngestLineError(
    long Line, long Offset, string Reason, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field, string Message);

/// <summary>What a landing upload answers (201 when new, 200 when the same content was already there or was replaced).</summary>
/// <param name="Key">The object's key, <c>{bucket}/{date}/{device}/{file}</c>.</param>
/// <param name="Size">Bytes stored.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
public sealed record LandingUploadResponse(string Key, long Size, string Sha256);

/// <summary>What <c>POST /odoo-webhook</c> answers with 202: <c>stored</c>, or <c>duplicate</c> when the event was already known.</summary>
public sealed record WebhookResponse(string Outcome);
