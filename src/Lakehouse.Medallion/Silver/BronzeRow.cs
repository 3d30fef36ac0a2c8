namespace Lakehouse.Medallion;

/// <summary>A row of <c>scout.bronze_transactions</c> as the transforms read it.</summary>
/// <param name="Id">The bronze id (the run watermark moves over it).</param>
/// <param name="StoreId">The event's store.</param>
/// <param name="EventHash">The event hash (32 bytes).</param>
/// <param name="Raw">The event exactly as received (JSON text).</param>
/// <param name="DeviceId">The device, from the event or the <c>x-device-id</c> header.</param>
/// <param name="IngestedAt">When it was received: stands in for a missing <c>ts</c>.</param>
public sealed record BronzeRow(long Id, string StoreId, byte[] EventHash, string Raw, string? DeviceId, DateTimeOffset IngestedAt);

/// <summary>The answer of a place resolver, as the silver transform keeps it.</summary>
/// <param name="Status"><c>exact</c>, <c>fuzzy</c>, <c>ambiguous</c>, <c>conflict</c>, <c>not_found</c> (or <c>missing</c> when nothing was typed).</param>
/// <param name="RegionCode">PSGC region code, if resolved.</param>
/// <param name="ProvinceCode">PSGC geographic province code, if resolved.</param>
/// <param name="CitymunCode">PSGC city/municipality code, if resolved.</param>
public readonly record struct PlaceAnswer(string Status, string? RegionCode, string? ProvinceCode, string? CitymunCode);
