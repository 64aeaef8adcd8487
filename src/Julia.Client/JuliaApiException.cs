using System.Text.Json;

namespace Julia.Client;

/// <summary>A problem+json answer from the service.</summary>
public sealed class JuliaApiException(int status, string code, string? detail, JsonElement problem)
    : Exception($"{status} {code}: {detail}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string? Detail { get; } = detail;
    public JsonElement Problem { get; } = problem;
}
