using System.CommandLine;

namespace Lakehouse.Cli;

/// <summary>Options shared by several verbs.</summary>
internal static class CommonOptions
{
    public const string ConnectionVariable = "LAKEHOUSE_CONNECTION";

    public static Option<string> Connection(bool required = true) => new("--connection", "-c")
    {
        Description = $"PostgreSQL connection string (default: the {ConnectionVariable} environment variable).",
        Required = false,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ConnectionVariable) ?? "",
        Validators =
        {
            result =>
            {
                if (required && string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
                {
                    result.AddError($"--connection is required (or set {ConnectionVariable}).");
                }
            },
        },
    };
}
