namespace Lakehouse.Publisher;

/// <summary>
/// A dataset cannot be exported as declared: its live columns drifted from the declaration, a column is marked PII,
/// or a schema change was published without a minor or major version bump. <see cref="Exception.Message"/> names each problem.
/// </summary>
public sealed class DatasetSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetSchemaException()
        : base("The dataset schema was refused.")
    {
        Problems = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DatasetSchemaException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DatasetSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Creates the exception for a list of problems.</summary>
    /// <param name="dataset">The dataset name.</param>
    /// <param name="problems">One line per problem.</param>
    public DatasetSchemaException(string dataset, IReadOnlyList<string> problems)
        : base($"dataset '{dataset}' refused: " + string.Join("; ", problems ?? []))
    {
        Problems = problems ?? [];
    }

    /// <summary>One line per problem, e.g. <c>column 'total_sales': declared numeric(12,2), live numeric(14,2)</c>.</summary>
    public IReadOnlyList<string> Problems { get; }
}
