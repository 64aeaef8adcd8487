using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Http;

/// <summary>RFC 9457 problem+json with a stable machine-readable <c>code</c>.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null,
                                       IDictionary<string, object?>? extra = null)
    {
        var ext = new Dictionary<string, object?>(extra ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"https://julia-grains/problems/{code}", extensions: ext);
    }

    public static ProblemHttpResult Invalid(string code, string detail, IDictionary<string, object?>? extra = null) =>
        Of(StatusCodes.Status422UnprocessableEntity, code, "The request is not valid.", detail, extra);

    public static ProblemHttpResult NotFound(string code, string detail) =>
        Of(StatusCodes.Status404NotFound, code, "Not found.", detail);

    public static ProblemHttpResult Conflict(string code, string detail, IDictionary<string, object?>? extra = null) =>
        Of(StatusCodes.Status409Conflict, code, "The current state does not allow this.", detail, extra);

    public static ProblemHttpResult InvalidPhone() =>
        Invalid("invalid_phone",
            "Expected a phone number such as +55 (11) 99999-0001, 5511999990001 or 11999990001; "
            + "a number outside Brazil in E.164 with its +, such as +351 912 345 678.");

    public static ProblemHttpResult ReasonRequired() =>
        Invalid("reason_required", "A non-empty reason (at most 500 characters) is required for this action.");

    /// <summary>Reasons are written to the operations log; keep them present and short.</summary>
    public static bool IsValidReason(string? reason) => !string.IsNullOrWhiteSpace(reason) && reason.Length <= 500;
}
