using System.Text.Json;

namespace Lakehouse.Geo;

/// <summary>Writes a <see cref="Choropleth"/> as a GeoJSON FeatureCollection (geometries through GeoJSON4STJ's converter).</summary>
internal static class ChoroplethGeoJson
{
    public static void Write(Choropleth map, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        if (map.Options.Title is not null)
        {
            json.WriteString("title", map.Options.Title);
        }

        json.WriteString("method", map.Options.Method == ClassificationMethod.Jenks ? "jenks" : "quantile");
        json.WriteStartArray("classes");
        foreach (ChoroplethClass c in map.Classes)
        {
            json.WriteStartObject();
            json.WriteNumber("class", c.Number);
            json.WriteNumber("lower", c.Lower);
            json.WriteNumber("upper", c.Upper);
            json.WriteString("color", c.Color);
            json.WriteNumber("areas", c.Areas);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("features");
        foreach (ChoroplethArea area in map.Areas)
        {
            BoundaryFeature feature = area.Feature;
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteString("id", feature.Key);
            json.WriteStartObject("properties");
            json.WriteString("key", feature.Key);
            json.WriteString("psgc_code", feature.PsgcCode);
            json.WriteString("name", feature.Name);
            json.WriteString("kind", feature.Kind);
            json.WriteString("region_code", feature.RegionCode);
            json.WriteString("province_code", feature.ProvinceCode);
            if (area.Value is { } value)
            {
                json.WriteNumber("value", value);
                json.WriteString("value_code", area.ValueCode);
                json.WriteNumber("class", area.Class!.Value);
            }
            else
            {
                json.WriteNull("value");
                json.WriteNull("value_code");
                json.WriteNull("class");
            }

            json.WriteString("color", area.Color);
            json.WriteEndObject();
            json.WritePropertyName("geometry");
            GeoJsonGeometry.Write(json, feature.Geometry);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
