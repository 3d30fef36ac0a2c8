namespace Lakehouse.Medallion.Tests;

/// <summary>Fixed test keys: customer ids are pseudonymized under a key, which the engines require.</summary>
internal static class TestKeys
{
    public static readonly CustomerKey Customer = CustomerKey.Create("test-1", Bytes(1));
    public static readonly CustomerKey Rotated = CustomerKey.Create("test-2", Bytes(101));
    public static readonly ContactKey Contact = ContactKey.Create(1, Bytes(51));

    public static MedallionOptions Options(CustomerKey? key = null, bool contacts = false)
    {
        var options = new MedallionOptions { CustomerKey = key ?? Customer };
        if (contacts)
        {
            options.ContactKeys.Add(Contact);
        }

        return options;
    }

    /// <summary>Keyed options with another batch size.</summary>
    public static MedallionOptions Batched(int batchSize)
    {
        MedallionOptions options = Options();
        options.BatchSize = batchSize;
        return options;
    }

    public static byte[] Bytes(int seed) => [.. Enumerable.Range(seed, 32).Select(i => (byte)i)];
}
