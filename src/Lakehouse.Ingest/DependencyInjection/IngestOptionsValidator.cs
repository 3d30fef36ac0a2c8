using Microsoft.Extensions.Options;

namespace Lakehouse.Ingest;

/// <summary>Source-generated (AOT-safe) validation of <see cref="IngestOptions"/>, run at start-up.</summary>
[OptionsValidator]
internal sealed partial class IngestOptionsValidator : IValidateOptions<IngestOptions>;

/// <summary>Source-generated validation of <see cref="BronzeLoaderOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class BronzeLoaderOptionsValidator : IValidateOptions<BronzeLoaderOptions>;

/// <summary>Source-generated validation of <see cref="LandingZoneOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class LandingZoneOptionsValidator : IValidateOptions<LandingZoneOptions>;
