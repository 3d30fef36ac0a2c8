// A stranger's app: references the packed packages only and touches each one's public API.
string[] components =
[
    Lakehouse.Ingest.IngestSchema.Component,
    Lakehouse.Geo.GeoSchema.Component,
    Lakehouse.Medallion.MedallionSchema.Component,
    Lakehouse.Publisher.PublisherSchema.Component,
    Lakehouse.Odoo.OdooSchema.Component,
];
if (components.Distinct().Count() != 5)
{
    Console.Error.WriteLine("expected five distinct components");
    return 1;
}

Console.WriteLine("package consumer ok: " + string.Join(", ", components));
return 0;
