using Microsoft.Extensions.Options;

namespace Lakehouse.Ingest;

/// <summary>Source-generated (AOT-safe) validation of <see cref="IngestOptions"/>, run at start-up.</summary>
[OptionsValidator]
internal sealed partial class IngestOptionsValidator : IValidateOptions<IngestOptions>;
