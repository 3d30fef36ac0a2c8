using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Lakehouse.Testing;

/// <summary>
/// The PostgreSQL 15 + PostGIS 3 server a test run uses: the one named by <c>LAKEHOUSE_TEST_PG</c>
/// (a connection string), or else a private throwaway cluster started from the installed server
/// binaries in a temporary directory on a free port, stopped and deleted when the test process exits.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>The environment variable that names an existing server to use instead.</summary>
    public const string EnvironmentVariable = "LAKEHOUSE_TEST_PG";

    private static readonly Lazy<PostgresServer> s_instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? binDirectory)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
    }

    /// <summary>The server for this test process, started on first use.</summary>
    public static PostgresServer Instance => s_instance.Value;

    /// <summary>A superuser connection string to the server's <c>postgres</c> database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>A connection string to <paramref name="database"/> on this server, as the same superuser.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    private static PostgresServer Start()
    {
        string? external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var server = new PostgresServer(external, null, null);
            server.CheckPostgis();
            return server;
        }

        string bin = FindBinaries();
        string parent = Path.Combine(Path.GetTempPath(), "lakehouse-pg");
        SweepStale(parent);
        string root = Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        bool asRoot = Environment.UserName == "root" || IsRoot();
        if (asRoot)
        {
            // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
            Run("chown", ["-R", "postgres:postgres", root], asPostgres: false);
        }

        Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asRoot);
        int port = FreePort();
        string log = Path.Combine(root, "server.log");
        Run(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", log, "-w", "-t", "60", "start", "-o",
             $"-p {port.ToString(CultureInfo.InvariantCulture)} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB"],
            asRoot);

        var started = new PostgresServer(
            $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true",
            data, bin);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Stop(root, asRoot);
        started.CheckPostgis();
        return started;
    }

    private void CheckPostgis()
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'", connection);
        if ((long)command.ExecuteScalar()! == 0)
        {
            throw new InvalidOperationException(
                "PostGIS 3 is not installed for this PostgreSQL server. Install it with: " +
                "sudo apt-get update && sudo apt-get install -y postgresql-15-postgis-3 (or run ./test.sh, which does).");
        }
    }

    private void Stop(string root, bool asRoot)
    {
        try
        {
            Run(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", _dataDirectory!, "-m", "immediate", "-w", "stop"], asRoot);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to stop.
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Swept by the next run (SweepStale).
        }
    }

    // Clusters whose test process was killed before it could clean up: no server runs in them any more.
    private static void SweepStale(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(parent))
        {
            if (!File.Exists(Path.Combine(dir, "data", "postmaster.pid")) && Directory.GetCreationTimeUtc(dir) < TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-5))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static string FindBinaries()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("LAKEHOUSE_PG_BIN");
        string[] candidates = fromEnv is null
            ? ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/local/pgsql/bin"]
            : [fromEnv];
        foreach (string candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "No PostgreSQL server binaries found (looked in " + string.Join(", ", candidates) + "). " +
            "Install them with: sudo apt-get update && sudo apt-get install -y postgresql-15 postgresql-15-postgis-3, " +
            $"or set {EnvironmentVariable} to the connection string of a PostgreSQL 15 server with PostGIS 3, or run ./test.sh.");
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string[] args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postgres");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(file);
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }
}
