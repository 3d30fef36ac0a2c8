using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lakehouse.Odoo.Tests;

/// <summary>
/// A loopback HTTP server that answers <c>POST /jsonrpc</c> the way Odoo does: <c>common.login</c>, and
/// <c>object.execute_kw</c> with <c>search_read</c> (domain on write_date and active, offset, limit, order),
/// including Odoo's error objects.
/// </summary>
internal sealed class FakeOdooServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public FakeOdooServer()
    {
        int port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public string Password { get; set; } = "secret";

    public Dictionary<string, List<JsonObject>> Models { get; } = new(StringComparer.Ordinal);

    public int SearchReadCalls { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            JsonNode request = JsonNode.Parse(await reader.ReadToEndAsync())!;
            JsonNode? id = request["id"]?.DeepClone();
            JsonObject answer;
            try
            {
                JsonNode? result = Dispatch(request["params"]!);
                answer = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };
            }
            catch (OdooFault fault)
            {
                answer = new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = id,
                    ["error"] = new JsonObject
                    {
                        ["code"] = 200,
                        ["message"] = "Odoo Server Error",
                        ["data"] = new JsonObject
                        {
                            ["name"] = fault.Name,
                            ["debug"] = "Traceback (most recent call last): ...",
                            ["message"] = fault.Message,
                            ["arguments"] = new JsonArray(fault.Message),
                            ["context"] = new JsonObject(),
                        },
                    },
                };
            }

            byte[] bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private JsonNode? Dispatch(JsonNode parameters)
    {
        string service = parameters["service"]!.GetValue<string>();
        string method = parameters["method"]!.GetValue<string>();
        JsonArray args = parameters["args"]!.AsArray();
        if (service == "common" && method == "login")
        {
            return args[2]!.GetValue<string>() == Password ? JsonValue.Create(2) : JsonValue.Create(false);
        }

        if (service == "object" && method == "execute_kw")
        {
            if (args[2]!.GetValue<string>() != Password)
            {
                throw new OdooFault("odoo.exceptions.AccessDenied", "Access Denied");
            }

            string model = args[3]!.GetValue<string>();
            if (args[4]!.GetValue<string>() != "search_read")
            {
                throw new OdooFault("builtins.AttributeError", "unsupported method");
            }

            if (!Models.TryGetValue(model, out List<JsonObject>? records))
            {
                throw new OdooFault("builtins.KeyError", $"'{model}'");
            }

            SearchReadCalls++;
            JsonArray domain = args[5]![0]!.AsArray();
            JsonObject kwargs = args[6]!.AsObject();
            IEnumerable<JsonObject> selected = records;
            bool activeOnly = true;
            foreach (JsonNode? term in domain)
            {
                string field = term![0]!.GetValue<string>();
                string op = term[1]!.GetValue<string>();
                if (field == "write_date" && op == ">=")
                {
                    string since = term[2]!.GetValue<string>();
                    selected = selected.Where(r => string.CompareOrdinal(r["write_date"]!.GetValue<string>(), since) >= 0);
                }
                else if (field == "active" && op == "in")
                {
                    activeOnly = false;
                }
            }

            if (activeOnly)
            {
                selected = selected.Where(r => r["active"] is null || r["active"]!.GetValue<bool>());
            }

            int offset = kwargs["offset"]!.GetValue<int>();
            int limit = kwargs["limit"]!.GetValue<int>();
            var page = selected
                .OrderBy(r => r["write_date"]!.GetValue<string>(), StringComparer.Ordinal).ThenBy(r => long.Parse(r["id"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture))
                .Skip(offset).Take(limit)
                .Select(r => (JsonNode)r.DeepClone())
                .ToArray();
            return new JsonArray(page);
        }

        throw new OdooFault("builtins.NotImplementedError", $"{service}.{method}");
    }

    private sealed class OdooFault(string name, string message) : Exception(message)
    {
        public string Name { get; } = name;
    }
}
