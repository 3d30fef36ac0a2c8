using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Lakehouse.Geo;

/// <summary>
/// Reads and writes single GeoJSON geometries through NetTopologySuite.IO.GeoJSON4STJ's converter, called directly
/// rather than through <see cref="JsonSerializer"/> so that no reflection-based serialization is involved (AOT-safe).
/// </summary>
internal static class GeoJsonGeometry
{
    /// <summary>Every geometry of this package: floating precision, SRID 4326 (WGS 84 longitude/latitude).</summary>
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static readonly JsonSerializerOptions s_options = CreateOptions();

    private static readonly JsonConverter<Geometry> s_converter =
        (JsonConverter<Geometry>)new GeoJsonConverterFactory(Factory).CreateConverter(typeof(Geometry), s_options)!;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(Factory));
        return options;
    }

    public static Geometry Read(JsonElement element)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(element.GetRawText());
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        return s_converter.Read(ref reader, typeof(Geometry), s_options)
            ?? throw new InvalidDataException("A feature's geometry is null.");
    }

    public static void Write(Utf8JsonWriter writer, Geometry geometry) => s_converter.Write(writer, geometry, s_options);

    /// <summary>Turns a polygon or multipolygon into a multipolygon with SRID 4326; anything else is refused.</summary>
    public static MultiPolygon ToMultiPolygon(Geometry geometry, string what) => geometry switch
    {
        MultiPolygon multi => multi.SRID == 4326 ? multi : Factory.CreateMultiPolygon(Polygons(multi)),
        Polygon polygon => Factory.CreateMultiPolygon([(Polygon)Factory.CreateGeometry(polygon)]),
        GeometryCollection { IsEmpty: false } collection when collection.Geometries.All(static g => g is Polygon or MultiPolygon) =>
            Factory.CreateMultiPolygon(collection.Geometries.SelectMany(static g => Polygons(g)).ToArray()),
        _ => throw new InvalidDataException($"{what} is a {geometry.GeometryType}; a Polygon or MultiPolygon was expected."),
    };

    private static Polygon[] Polygons(Geometry geometry)
    {
        var polygons = new Polygon[geometry.NumGeometries];
        for (int i = 0; i < polygons.Length; i++)
        {
            polygons[i] = (Polygon)Factory.CreateGeometry(geometry.GetGeometryN(i));
        }

        return polygons;
    }
}
