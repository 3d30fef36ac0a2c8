using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Lakehouse.Ingest;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Lakehouse.Samples.Api.Auth;

/// <summary>
/// One bearer scheme for the two credentials of the Api: the service key (role <c>service_role</c>, may read) and
/// edge-device tokens (role <c>edge_uploader</c>, may write transactions and landing files, read nothing).
/// Refusals answer with ProblemDetails (401, or 403 when the credential is valid but the role is not enough).
/// </summary>
internal sealed class LakehouseAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    EdgeTokenValidator tokens, ApiSettings settings, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Lakehouse";
    public const string EdgePolicy = "edge_uploader";
    public const string ServicePolicy = "service_role";
    public const string RoleClaim = "role";
    public const string DeviceClaim = "sub";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string token = header["Bearer ".Length..].Trim();
        if (settings.ServiceKey.Length > 0 && token.Length == settings.ServiceKey.Length &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(settings.ServiceKey)))
        {
            return Task.FromResult(Success("service", ServicePolicy));
        }

        EdgeTokenValidation validation = tokens.Validate(token);
        return Task.FromResult(validation.IsValid
            ? Success(validation.DeviceName!, EdgePolicy)
            : AuthenticateResult.Fail(RefusalText(validation.Refusal)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            result.Failure?.Message ?? "A bearer credential is required (an edge-device token, or the service key for reads).").ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        string detail = Context.User.IsInRole(EdgePolicy)
            ? "An edge_uploader token may write transactions and landing files and read nothing."
            : "This credential may not use this endpoint.";
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();

    private static AuthenticateResult Success(string name, string role)
    {
        var identity = new ClaimsIdentity([new Claim(DeviceClaim, name), new Claim(RoleClaim, role)], SchemeName, DeviceClaim, RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private static string RefusalText(EdgeTokenRefusal refusal) => refusal switch
    {
        EdgeTokenRefusal.Expired => "The token has expired.",
        EdgeTokenRefusal.WrongRole => "The token's role is not edge_uploader.",
        EdgeTokenRefusal.BadSignature => "The token's signature does not match.",
        EdgeTokenRefusal.BadAlgorithm => "The token is not HS256.",
        EdgeTokenRefusal.NotYetValid => "The token is not valid yet.",
        EdgeTokenRefusal.IssuedInFuture => "The token is issued in the future.",
        EdgeTokenRefusal.MissingExpiry => "The token has no expiry.",
        EdgeTokenRefusal.MissingSubject => "The token names no device.",
        _ => "The token is refused (" + refusal.ToString() + ").",
    };
}
