using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Julia.Server.Http;

/// <summary>
/// Turns what the framework throws for a client's mistake (bad JSON, body too large, wrong media type)
/// into problem+json with a code; anything else is a 500 that hides details and is logged.
/// </summary>
public sealed class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> log)
{
    public const long DefaultBodyLimit = 64 * 1024;

    public async Task InvokeAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > BodyLimit(ctx))
        {
            await Write(ctx, Problems.Of(413, "payload_too_large", "The request body is too large.", $"The limit is {BodyLimit(ctx)} bytes."));
            return;
        }
        var sizeFeature = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = BodyLimit(ctx);
        try
        {
            await next(ctx);
            // The framework answers some mistakes itself with an empty body (no route, wrong method,
            // wrong media type); give them the same problem+json shape as ours.
            if (!ctx.Response.HasStarted && ctx.Response.StatusCode >= 400 && ctx.Response.ContentLength is null
                && ctx.Response.ContentType is null && EmptyAnswers.TryGetValue(ctx.Response.StatusCode, out var p))
                await Write(ctx, Problems.Of(ctx.Response.StatusCode, p.Code, p.Title));
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
        {
            await Write(ctx, e switch
            {
                { StatusCode: 413 } => Problems.Of(413, "payload_too_large", "The request body is too large.", $"The limit is {BodyLimit(ctx)} bytes."),
                { StatusCode: 415 } => Problems.Of(415, "unsupported_media_type", "Send JSON.", "Use Content-Type: application/json."),
                { InnerException: JsonException je } => Problems.Of(400, "malformed_json", "The body is not valid JSON for this request.", je.Message),
                _ when e.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) =>
                    Problems.Of(400, "malformed_json", "The body is not valid JSON for this request.", e.Message),
                _ when e.Message.Contains("was not provided", StringComparison.OrdinalIgnoreCase) =>
                    Problems.Of(400, "missing_body", "A JSON body is required.", e.Message),
                _ => Problems.Of(e.StatusCode, "bad_request", "The request could not be read.", e.Message),
            });
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nothing to answer
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            var failure = Failures.Classify(e);
            if (failure.IsBug) log.LogError(e, "Unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            else log.LogWarning("{Method} {Path} answered {Code}: {Error}", ctx.Request.Method, ctx.Request.Path, failure.Code, Describe(e));
            ctx.Response.Clear();
            if (failure.RetryAfter is { } after) ctx.Response.Headers.RetryAfter = ((int)after.TotalSeconds)
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.Of(failure.Status, failure.Code, failure.Title).ExecuteAsync(ctx);
        }
    }

    static string Describe(Exception e) => e.InnerException is null ? e.Message : $"{e.Message} ({e.InnerException.Message})";

    static readonly Dictionary<int, (string Code, string Title)> EmptyAnswers = new()
    {
        [404] = ("not_found", "No such resource."),
        [405] = ("method_not_allowed", "This resource does not accept that method."),
        [415] = ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
    };

    static long BodyLimit(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments("/webhooks") ? 1024 * 1024 : DefaultBodyLimit;

    static Task Write(HttpContext ctx, IResult result)
    {
        ctx.Response.Clear();
        return result.ExecuteAsync(ctx);
    }
}
