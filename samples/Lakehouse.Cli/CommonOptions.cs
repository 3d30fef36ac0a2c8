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

    public const string CustomerKeyVariable = "LAKEHOUSE_CUSTOMER_KEY";
    public const string ContactKeyVariable = "LAKEHOUSE_CONTACT_KEY";

    /// <summary><c>--customer-key id:base64</c>: the key customer ids are pseudonymized under (required, never defaulted).</summary>
    public static Option<string> CustomerKey() => new("--customer-key")
    {
        Description = $"Customer pseudonym key '<key id>:<base64 secret of 32+ bytes>' (default: the {CustomerKeyVariable} environment variable).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CustomerKeyVariable) ?? "",
        Validators =
        {
            result =>
            {
                string? text = result.GetValueOrDefault<string>();
                if (string.IsNullOrWhiteSpace(text))
                {
                    result.AddError($"--customer-key is required (or set {CustomerKeyVariable}): customer ids are stored only as keyed pseudonyms.");
                    return;
                }

                try
                {
                    Lakehouse.Medallion.CustomerKey.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError("--customer-key: " + e.Message);
                }
            },
        },
    };

    /// <summary><c>--contact-key version:base64</c>: the AES-256-GCM key for contact fields (optional).</summary>
    public static Option<string> ContactKey() => new("--contact-key")
    {
        Description = $"Contact encryption key '<version 1-255>:<base64 of 32 bytes>' (default: the {ContactKeyVariable} environment variable); without it no contact fields are stored.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ContactKeyVariable) ?? "",
    };

    public static Lakehouse.Medallion.ContactKey? ParseContactKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && int.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int version)
            ? Lakehouse.Medallion.ContactKey.Create(version, Convert.FromBase64String(text[(colon + 1)..]))
            : throw new FormatException("A contact key is written '<version>:<base64 of 32 bytes>'.");
    }
}
