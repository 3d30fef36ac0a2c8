using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lakehouse.Odoo;

/// <summary>Where and as whom <see cref="OdooJsonRpcClient"/> talks to Odoo.</summary>
public sealed class OdooClientOptions
{
    /// <summary>Base URL of the Odoo server, e.g. <c>https://erp.example.com</c>; requests go to <c>{BaseUrl}/jsonrpc</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The Odoo database name.</summary>
    public string Database { get; set; } = "";

    /// <summary>The login (user name or e-mail).</summary>
    public string Username { get; set; } = "";

    /// <summary>The password or, better, an API key of the user.</summary>
    public string Password { get; set; } = "";

    /// <summary>Records fetched per <c>search_read</c> page.</summary>
    /// <value>Default 200.</value>
    public int PageSize { get; set; } = 200;
}

/// <summary>An error object returned by Odoo's JSON-RPC endpoint (or a failed login).</summary>
public sealed class OdooRpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OdooRpcException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public OdooRpcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public OdooRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from Odoo's error object.</summary>
    /// <param name="code">The JSON-RPC error code (Odoo uses 200 for server errors, 100 for session expiry).</param>
    /// <param name="message">The top-level message, e.g. <c>Odoo Server Error</c>.</param>
    /// <param name="name">The Python exception, e.g. <c>odoo.exceptions.AccessDenied</c>.</param>
    /// <param name="detail">Odoo's own message for the exception.</param>
    public OdooRpcException(int code, string message, string? name, string? detail)
        : base(detail is null ? message : $"{message}: {detail}" + (name is null ? "" : $" ({name})"))
    {
        Code = code;
        ErrorName = name;
        Detail = detail;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>The Python exception name from <c>error.data.name</c>, when given.</summary>
    public string? ErrorName { get; }

    /// <summary>Odoo's message from <c>error.data.message</c>, when given.</summary>
    public string? Detail { get; }
}

/// <summary>
/// A small client for Odoo's external JSON-RPC API (<c>POST /jsonrpc</c>): <c>common.login</c> and
/// <c>object.execute_kw</c> with <c>search_read</c>, paged. Requests are written with <see cref="Utf8JsonWriter"/> and
/// responses read with <see cref="JsonDocument"/>, so it needs no reflection (trimming and AOT safe).
/// </summary>
public sealed class OdooJsonRpcClient
{
    private readonly HttpClient _http;
    private readonly OdooClientOptions _options;
    private readonly Uri _endpoint;
    private int _uid;
    private long _requestId;

    /// <summary>Creates a client; the caller owns <paramref name="httpClient"/> (use <c>IHttpClientFactory</c> in hosts).</summary>
    /// <param name="httpClient">The HTTP client to send with.</param>
    /// <param name="options">Server, database and credentials.</param>
    public OdooJsonRpcClient(HttpClient httpClient, OdooClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl is null)
        {
            throw new ArgumentException("OdooClientOptions.BaseUrl is required.", nameof(options));
        }

        _http = httpClient;
        _options = options;
        _endpoint = new Uri(options.BaseUrl, "jsonrpc");
    }

    /// <summary>Logs in (<c>common.login</c>) and remembers the user id; called on first use when needed.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The Odoo user id.</returns>
    /// <exception cref="OdooRpcException">Odoo answered with an error or refused the credentials.</exception>
    public async Task<int> AuthenticateAsync(CancellationToken cancellationToken = default)
    {
        using JsonDocument result = await CallAsync("common", "login", writer =>
        {
            writer.WriteStringValue(_options.Database);
            writer.WriteStringValue(_options.Username);
            writer.WriteStringValue(_options.Password);
        }, cancellationToken).ConfigureAwait(false);
        JsonElement value = result.RootElement.GetProperty("result");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int uid) || uid <= 0)
        {
            throw new OdooRpcException($"Odoo refused the login of '{_options.Username}' to database '{_options.Database}'.");
        }

        _uid = uid;
        return uid;
    }

    /// <summary>
    /// Runs <c>search_read</c> on <paramref name="model"/> page by page (ordered by <c>write_date, id</c>) and yields
    /// each record as a JSON element valid until the next page is fetched (clone it to keep it).
    /// </summary>
    /// <param name="model">The Odoo model, e.g. <c>project.task</c>.</param>
    /// <param name="domain">Writes the domain's terms into an open JSON array, e.g. <c>["write_date", "&gt;=", "…"]</c>.</param>
    /// <param name="fields">The fields to read.</param>
    /// <param name="cancellationToken">Cancels between pages.</param>
    /// <returns>The records of every page, in order.</returns>
    public async IAsyncEnumerable<JsonElement> SearchReadAsync(
        string model,
        Action<Utf8JsonWriter> domain,
        IReadOnlyList<string> fields,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(fields);
        if (_uid == 0)
        {
            await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        }

        for (int offset = 0; ; offset += _options.PageSize)
        {
            int pageOffset = offset;
            using JsonDocument page = await CallAsync("object", "execute_kw", writer =>
            {
                writer.WriteStringValue(_options.Database);
                writer.WriteNumberValue(_uid);
                writer.WriteStringValue(_options.Password);
                writer.WriteStringValue(model);
                writer.WriteStringValue("search_read");
                writer.WriteStartArray();
                writer.WriteStartArray();
                domain(writer);
                writer.WriteEndArray();
                writer.WriteEndArray();
                writer.WriteStartObject();
                writer.WriteStartArray("fields");
                foreach (string field in fields)
                {
                    writer.WriteStringValue(field);
                }

                writer.WriteEndArray();
                writer.WriteNumber("offset", pageOffset);
                writer.WriteNumber("limit", _options.PageSize);
                writer.WriteString("order", "write_date asc, id asc");
                writer.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);

            JsonElement records = page.RootElement.GetProperty("result");
            if (records.ValueKind != JsonValueKind.Array)
            {
                throw new OdooRpcException($"search_read on {model} returned {records.ValueKind}, not a list.");
            }

            int count = 0;
            foreach (JsonElement record in records.EnumerateArray())
            {
                count++;
                yield return record;
            }

            if (count < _options.PageSize)
            {
                yield break;
            }
        }
    }

    private async Task<JsonDocument> CallAsync(string service, string method, Action<Utf8JsonWriter> writeArgs, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteString("method", "call");
            writer.WriteStartObject("params");
            writer.WriteString("service", service);
            writer.WriteString("method", method);
            writer.WriteStartArray("args");
            writeArgs(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteNumber("id", Interlocked.Increment(ref _requestId));
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new OdooRpcException(string.Create(CultureInfo.InvariantCulture,
                $"Odoo answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} to {service}.{method}."));
        }

        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable bodyScope = body.ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new OdooRpcException($"Odoo's answer to {service}.{method} is not JSON.", e);
        }

        if (document.RootElement.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
        {
            int code = error.TryGetProperty("code", out JsonElement c) && c.TryGetInt32(out int parsed) ? parsed : 0;
            string message = error.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? "error" : "error";
            string? name = null, detail = null;
            if (error.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object)
            {
                name = data.TryGetProperty("name", out JsonElement n) ? n.GetString() : null;
                detail = data.TryGetProperty("message", out JsonElement d) ? d.GetString() : null;
            }

            document.Dispose();
            throw new OdooRpcException(code, message, name, detail);
        }

        if (!document.RootElement.TryGetProperty("result", out _))
        {
            document.Dispose();
            throw new OdooRpcException($"Odoo's answer to {service}.{method} has neither result nor error.");
        }

        return document;
    }
}
