using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Lakehouse.Medallion;

/// <summary>A customer's contact details in clear (personal data: keep it out of logs and exports).</summary>
/// <param name="Mobile">The mobile number (stored normalized to E.164 when it parses), if known.</param>
/// <param name="Email">The e-mail address (stored trimmed and lower-cased), if known.</param>
/// <param name="Name">The name, if known.</param>
public sealed record CustomerContact(string? Mobile, string? Email, string? Name);

/// <summary>
/// Upserts and reads a customer's encrypted contact details in <c>scout.dim_customer</c> (columns <c>mobile_enc</c>,
/// <c>email_enc</c>, <c>name_enc</c>; only <c>service_role</c> can read them, so use a service_role connection). Values
/// are encrypted with <see cref="CustomerContactCipher"/> before they leave the process.
/// </summary>
/// <param name="dataSource">A service_role connection to the <c>scout</c> schema.</param>
/// <param name="pseudonymizer">Turns the raw customer id into the pseudonym the row is keyed by.</param>
/// <param name="cipher">Encrypts and decrypts the contact fields.</param>
public sealed class CustomerContacts(NpgsqlDataSource dataSource, CustomerPseudonymizer pseudonymizer, CustomerContactCipher cipher)
{
    private const string Mobile = "mobile", Email = "email", Name = "name";

    /// <summary>Sets the non-null fields of <paramref name="contact"/> for the customer (creating the customer row if needed); null fields are left as they are.</summary>
    /// <param name="tenantId">The customer's tenant.</param>
    /// <param name="customerId">The customer id as the POS sends it (a loyalty code, mobile number or e-mail).</param>
    /// <param name="contact">The details to set.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The customer's pseudonym.</returns>
    /// <exception cref="ArgumentException">The customer id is blank.</exception>
    public async Task<string> UpsertAsync(string tenantId, string customerId, CustomerContact contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        string pseudonym = pseudonymizer.Pseudonymize(tenantId, customerId)
            ?? throw new ArgumentException("The customer id is blank.", nameof(customerId));
        string? mobile = contact.Mobile is null ? null : NormalizeMobile(contact.Mobile);
        string? email = contact.Email?.Trim().ToLowerInvariant();
        using NpgsqlCommand command = dataSource.CreateCommand("""
            INSERT INTO scout.dim_customer AS d (customer_id, tenant_id, mobile_enc, email_enc, name_enc, contact_updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (customer_id) DO UPDATE SET
                mobile_enc = coalesce(excluded.mobile_enc, d.mobile_enc),
                email_enc = coalesce(excluded.email_enc, d.email_enc),
                name_enc = coalesce(excluded.name_enc, d.name_enc),
                contact_updated_at = now(), updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = pseudonym });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(Bytes(mobile is null ? null : cipher.Encrypt(mobile, tenantId, Mobile)));
        command.Parameters.Add(Bytes(email is null ? null : cipher.Encrypt(email, tenantId, Email)));
        command.Parameters.Add(Bytes(contact.Name is null ? null : cipher.Encrypt(contact.Name.Trim(), tenantId, Name)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return pseudonym;
    }

    /// <summary>Reads and decrypts a customer's contact details.</summary>
    /// <param name="tenantId">The customer's tenant.</param>
    /// <param name="customerId">The raw customer id, or its pseudonym (<c>c:…</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The details, or <see langword="null"/> when the tenant has no such customer.</returns>
    public async Task<CustomerContact?> ReadAsync(string tenantId, string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        string? pseudonym = customerId.StartsWith("c:", StringComparison.Ordinal) && customerId.Length == pseudonymizer.PseudonymLength(tenantId)
            ? customerId
            : pseudonymizer.Pseudonymize(tenantId, customerId);
        using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT mobile_enc, email_enc, name_enc FROM scout.dim_customer WHERE customer_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pseudonym ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        string? Field(int ordinal, string field) =>
            reader.IsDBNull(ordinal) ? null : cipher.Decrypt(reader.GetFieldValue<byte[]>(ordinal), tenantId, field);
        return new CustomerContact(Field(0, Mobile), Field(1, Email), Field(2, Name));
    }

    // The run stores the mobile number or e-mail a customer id held (never overwriting one already there).
    internal static async Task StoreIdentifierContactsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, CustomerContactCipher cipher, IEnumerable<CustomerContactValue> values, CancellationToken cancellationToken)
    {
        var distinct = values.DistinctBy(v => v.CustomerId, StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        using var command = new NpgsqlCommand("""
            UPDATE scout.dim_customer d SET
                mobile_enc = coalesce(d.mobile_enc, x.mobile_enc),
                email_enc = coalesce(d.email_enc, x.email_enc),
                contact_updated_at = now()
            FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS x(customer_id, mobile_enc, email_enc)
            WHERE d.customer_id = x.customer_id
              AND ((d.mobile_enc IS NULL AND x.mobile_enc IS NOT NULL) OR (d.email_enc IS NULL AND x.email_enc IS NOT NULL))
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = distinct.Select(v => v.CustomerId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            Value = distinct.Select(v => v.Kind == CustomerIdentifierKind.Phone ? cipher.Encrypt(v.Value, v.TenantId, Mobile) : null).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            Value = distinct.Select(v => v.Kind == CustomerIdentifierKind.Email ? cipher.Encrypt(v.Value, v.TenantId, Email) : null).ToArray(),
        });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string NormalizeMobile(string mobile)
    {
        string normalized = CustomerPseudonymizer.Normalize(mobile, out CustomerIdentifierKind kind);
        return kind == CustomerIdentifierKind.Phone ? normalized : mobile.Trim();
    }

    private static NpgsqlParameter Bytes(byte[]? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };
}
