using System.Text;

namespace Lakehouse.Ingest.Tests;

/// <summary>A throwaway landing zone folder for one test class, deleted on dispose.</summary>
internal sealed class LandingFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lh-landing-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Writes <paramref name="lines"/> (LF-terminated, UTF-8 without BOM) at <paramref name="relative"/> under the root.</summary>
    public void Write(string relative, params string[] lines)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
    }

    /// <summary>A valid event numbered <paramref name="n"/> (store s0..s2, transaction t{n}).</summary>
    public static string Event(int n) => $$"""{"store_id":"s{{n % 3}}","transaction_id":"t{{n}}","peso_value":{{n}}}""";

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
