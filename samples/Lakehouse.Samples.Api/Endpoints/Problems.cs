using System.Globalization;

namespace Lakehouse.Samples.Api.Endpoints;

// ProblemDetails answers shared by the endpoints.
internal static class Problems
{
    public static IResult Status(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult Forbidden(string detail) => Status(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static IResult BadRequest(string detail) => Status(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult TooLarge(long max) => Status(StatusCodes.Status413PayloadTooLarge, "Payload too large",
        "The request body is larger than " + max.ToString(CultureInfo.InvariantCulture) + " bytes (Lakehouse:Api:MaxBodyBytes).");
}
