using Lakehouse.Testing;
using Npgsql;

namespace Lakehouse.Geo.Tests.Geometry;

/// <summary>A fresh database whose data source maps PostGIS types to NetTopologySuite, as BoundaryImporter requires.</summary>
public sealed class PostGisDatabase : PostgresDatabase
{
    protected override NpgsqlDataSource CreateDataSource(NpgsqlDataSourceBuilder builder)
    {
        builder.UseNetTopologySuite();
        return builder.Build();
    }
}
