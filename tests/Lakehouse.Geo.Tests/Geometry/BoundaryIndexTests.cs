using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Geo.Tests.Geometry;

public sealed class BoundaryIndexTests(PostGisDatabase db) : IClassFixture<PostGisDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await GeoSchema.MigrateAsync(db.DataSource);
        await BoundaryImporter.ImportAsync(db.DataSource);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Locate_known_places_answers_their_region_and_province()
    {
        var regions = new BoundaryIndex(PhilippineBoundaries.Regions);
        var provinces = new BoundaryIndex(PhilippineBoundaries.Provinces);

        Assert.Equal("1300000000", regions.Locate(121.0, 14.6)?.Key);          // Manila area: NCR
        Assert.Equal("0700000000", regions.Locate(123.9, 10.3)?.Key);          // Cebu City: Central Visayas
        Assert.Equal("0702200000", provinces.Locate(123.8, 10.6)?.Key);        // Cebu province, away from the city
        Assert.Equal("1100000000", regions.Locate(125.45, 7.15)?.Key);         // Davao City: Region XI
        Assert.Null(regions.Locate(119.0, 14.0));                              // West Philippine Sea
        Assert.Null(provinces.Locate(0, 0));
    }

    [Fact]
    public void Locate_shared_vertex_answers_the_smallest_key_and_LocateAll_both()
    {
        var index = new BoundaryIndex(PhilippineBoundaries.Regions);
        (Coordinate shared, string[] keys) = FindSharedVertex(PhilippineBoundaries.Regions);

        IReadOnlyList<BoundaryFeature> all = index.LocateAll(shared.X, shared.Y);

        Assert.Equal(keys, all.Select(f => f.Key));
        Assert.Equal(keys[0], index.Locate(shared.X, shared.Y)?.Key);
        Assert.Equal(keys[0], index.LocateByScan(shared.X, shared.Y)?.Key);
    }

    [Theory]
    [InlineData(BoundaryLevel.Region)]
    [InlineData(BoundaryLevel.Province)]
    public async Task LocateAll_thousands_of_points_agrees_with_PostGIS_ST_Covers(BoundaryLevel level)
    {
        BoundarySet set = PhilippineBoundaries.For(level);
        var index = new BoundaryIndex(set);
        List<Coordinate> points = GeneratePoints(set, seed: 20261123, out int firstMidpoint);

        Dictionary<int, string> expected = await PostGisCoversAsync(level, points);

        int mismatches = 0, midpointDifferences = 0;
        var messages = new List<string>();
        for (int i = 0; i < points.Count; i++)
        {
            string[] actual = index.LocateAll(points[i].X, points[i].Y).Select(f => f.Key).ToArray();
            string byLocate = index.Locate(points[i].X, points[i].Y)?.Key ?? "";
            string byScan = index.LocateByScan(points[i].X, points[i].Y)?.Key ?? "";
            string[] postgis = expected.TryGetValue(i, out string? keys) ? keys.Split(',') : [];
            bool same = actual.SequenceEqual(postgis);
            if (!same && i >= firstMidpoint && (actual.All(postgis.Contains) || postgis.All(actual.Contains)))
            {
                // An edge midpoint lies on the border only up to rounding: PostGIS decides with plain double arithmetic,
                // NetTopologySuite with exact predicates, so one may count a border neighbour the other does not.
                midpointDifferences++;
                same = true;
            }

            if (!same || byLocate != (actual.Length == 0 ? "" : actual[0]) || byScan != byLocate)
            {
                mismatches++;
                if (messages.Count < 10)
                {
                    messages.Add($"#{i} ({points[i].X:R}, {points[i].Y:R}): index [{string.Join(',', actual)}] locate {byLocate} scan {byScan}, PostGIS [{string.Join(',', postgis)}]");
                }
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} of {points.Count} points disagree:\n" + string.Join('\n', messages));
        Assert.True(midpointDifferences <= (points.Count - firstMidpoint) / 100, $"{midpointDifferences} edge midpoints differ");
        Assert.True(expected.Count > points.Count / 3, "too few points fell inside any polygon to mean anything");
        Assert.Contains(expected.Values, v => v.Contains(',', StringComparison.Ordinal)); // some points lie on shared borders
    }

    /// <summary>
    /// Uniform points over the country's box, polygon vertices (exactly on a boundary, often a shared one), and
    /// points a metre or less off a vertex in a random direction (near a border, either side), then edge midpoints.
    /// </summary>
    private static List<Coordinate> GeneratePoints(BoundarySet set, int seed, out int firstMidpoint)
    {
        var random = new Random(seed);
        Envelope box = set.Extent;
        var points = new List<Coordinate>();
        for (int i = 0; i < 3000; i++)
        {
            points.Add(new Coordinate(box.MinX + random.NextDouble() * box.Width, box.MinY + random.NextDouble() * box.Height));
        }

        Coordinate[] vertices = set.SelectMany(f => f.Geometry.Coordinates).ToArray();
        for (int i = 0; i < 1000; i++)
        {
            points.Add(vertices[random.Next(vertices.Length)].Copy());
        }

        for (int i = 0; i < 2000; i++)
        {
            Coordinate v = vertices[random.Next(vertices.Length)];
            double angle = random.NextDouble() * 2 * Math.PI;
            double distance = random.NextDouble() * 1e-5;
            points.Add(new Coordinate(v.X + distance * Math.Cos(angle), v.Y + distance * Math.Sin(angle)));
        }

        // Midpoints of edges: on the border up to the rounding of the midpoint itself.
        firstMidpoint = points.Count;
        foreach (BoundaryFeature feature in set)
        {
            Coordinate[] ring = feature.Geometry.Coordinates;
            for (int i = 0; i < 10; i++)
            {
                int at = random.Next(ring.Length - 1);
                points.Add(new Coordinate((ring[at].X + ring[at + 1].X) / 2, (ring[at].Y + ring[at + 1].Y) / 2));
            }
        }

        return points;
    }

    private async Task<Dictionary<int, string>> PostGisCoversAsync(BoundaryLevel level, List<Coordinate> points)
    {
        (string table, string key) = level == BoundaryLevel.Region
            ? ("scout.geo_adm1_region", "region_psgc")
            : ("scout.geo_adm2_province", "feature_key");
        await using NpgsqlConnection connection = await db.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE pts (id int PRIMARY KEY, lon float8 NOT NULL, lat float8 NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync("COPY pts (id, lon, lat) FROM STDIN (FORMAT BINARY)"))
        {
            for (int i = 0; i < points.Count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(i, NpgsqlDbType.Integer);
                await copy.WriteAsync(points[i].X, NpgsqlDbType.Double);
                await copy.WriteAsync(points[i].Y, NpgsqlDbType.Double);
            }

            await copy.CompleteAsync();
        }

        var result = new Dictionary<int, string>();
        await using var query = new NpgsqlCommand($"""
            SELECT p.id, string_agg(g.{key}, ',' ORDER BY g.{key} COLLATE "C")
            FROM pts p JOIN {table} g ON ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
            GROUP BY p.id
            """, connection);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetInt32(0)] = reader.GetString(1);
        }

        return result;
    }

    private static (Coordinate Vertex, string[] Keys) FindSharedVertex(BoundarySet set)
    {
        var owners = new Dictionary<Coordinate, SortedSet<string>>();
        foreach (BoundaryFeature feature in set)
        {
            foreach (Coordinate c in feature.Geometry.Coordinates)
            {
                if (!owners.TryGetValue(c, out SortedSet<string>? keys))
                {
                    owners[c] = keys = new SortedSet<string>(StringComparer.Ordinal);
                }

                keys.Add(feature.Key);
            }
        }

        KeyValuePair<Coordinate, SortedSet<string>> shared = owners.First(o => o.Value.Count == 2);
        return (shared.Key, shared.Value.ToArray());
    }
}
