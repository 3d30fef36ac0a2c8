// A stranger's app: references the packed packages only and touches each one's public API, including the
// resources embedded in them (PSGC tables, migrations).
using System.Text;
using Lakehouse.Geo;
using Lakehouse.Ingest;

string[] components =
[
    IngestSchema.Component,
    GeoSchema.Component,
    Lakehouse.Medallion.MedallionSchema.Component,
    Lakehouse.Publisher.PublisherSchema.Component,
    Lakehouse.Odoo.OdooSchema.Component,
];
if (components.Distinct().Count() != 5)
{
    Console.Error.WriteLine("expected five distinct components");
    return 1;
}

// The event hash of DESIGN.md's minimal event must not depend on key order or spacing.
string a = EventHasher.ComputeHashHex("""{"store_id":"102","peso_value":150.50}"""u8);
string b = EventHasher.ComputeHashHex(Encoding.UTF8.GetBytes("""{ "peso_value": 150.50, "store_id": "102" }"""));
if (a != b || a.Length != 64)
{
    Console.Error.WriteLine("event hash differs by key order");
    return 1;
}

PlaceResolution place = new PsgcResolver().Resolve("NCR", null, "Quezon City");
if (place.CityMunicipalityCode != "1381300000")
{
    Console.Error.WriteLine($"PSGC resolution from the embedded data failed: {place}");
    return 1;
}

Console.WriteLine($"package consumer ok: {string.Join(", ", components)}; hash {a[..12]}…; {place.CityMunicipalityName} = {place.CityMunicipalityCode}");
return 0;
