using Julia.Grains;
using System.Text.Json;
using Julia.Server.Gateways;
using Julia.Server.Http;
using Julia.Storage.Inbox;

namespace Julia.Server.Inbox;

/// <summary>
/// <c>POST /webhooks/evolution</c> (and <c>/{event}</c>). Order of business: read and check the body,
/// authenticate the instance, store it with its dedupe key (grouped with concurrent webhooks into one
/// commit), answer. 200 only once the event is durably stored; 503 when it cannot be (Evolution retries); 4xx only for requests that can never
/// succeed: not JSON, not an Evolution envelope, unknown instance, bad credentials (Evolution stops on
/// 4xx). A valid, authentic event we will not act on is stored as ignored with its reason, and answered
/// 200. Processing happens after the answer.
/// </summary>
public static class WebhooksApi
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/webhooks").WithTags("Webhooks").AllowAnonymous();
        g.MapPost("/evolution", (HttpContext ctx, ChipGateways chips, InboxStore inbox, InboxWorker worker, [FromKeyedServices(Names.Clock)] TimeProvider time, ILogger<InboxWorker> log) =>
            Evolution(ctx, null, chips, inbox, worker, time, log));
        g.MapPost("/evolution/{evt}", (string evt, HttpContext ctx, ChipGateways chips, InboxStore inbox, InboxWorker worker, [FromKeyedServices(Names.Clock)] TimeProvider time, ILogger<InboxWorker> log) =>
            Evolution(ctx, evt, chips, inbox, worker, time, log));
    }

    static async Task<IResult> Evolution(HttpContext ctx, string? pathEvent, ChipGateways chips, InboxStore inbox, InboxWorker worker,
                                         [FromKeyedServices(Names.Clock)] TimeProvider time, ILogger log)
    {
        var ct = ctx.RequestAborted;
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await ctx.Request.Body.CopyToAsync(ms, ct);
            body = ms.ToArray();
        }
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException e) { return Count("unknown", "rejected", Problems.Of(400, "malformed_json", "The webhook body is not JSON.", e.Message)); }

        var (envelope, error) = EvolutionWebhook.Parse(root, pathEvent);
        if (envelope is null) return Count("unknown", "rejected", Problems.Of(400, "invalid_payload", "The webhook is not an Evolution event.", error));

        // Authenticate before anything else is said about the event.
        var chip = await chips.ByInstanceAsync(envelope.Instance, ct);
        if (chip is not { Secret: { } secret } found)
            return Count("unknown", "rejected", Problems.Of(401, "unknown_instance", "No chip with this instance accepts webhooks."));
        if (!EvolutionWebhook.Authentic(ctx.Request.Headers["X-Webhook-Secret"].FirstOrDefault(), ctx.Request.Headers.Authorization.FirstOrDefault(), secret, time.GetUtcNow()))
            return Count("unknown", "rejected", Problems.Of(401, "invalid_signature", "The webhook secret or token does not match this instance."));
        if (envelope.ApiKey is not null && (found.Token is null || !EvolutionWebhook.SameSecret(envelope.ApiKey, found.Token)))
            return Count("unknown", "rejected", Problems.Of(401, "invalid_apikey", "The body's apikey does not match this instance."));

        // From here the body is valid and authentic: it is kept, to be applied or as ignored with the reason.
        var ignored = EvolutionWebhook.IgnoreReason(envelope);
        bool stored;
        try
        {
            stored = await inbox.AddAsync(new NewInboxEvent(EvolutionWebhook.DedupeKey(envelope, body, ignored is not null), "evolution", envelope.Event, found.Id,
                Storable(body), time.GetUtcNow(), ignored), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever kept the event from being stored, the gateway must retry it (it stops only on a 4xx);
            // a failure that is our bug is logged as one.
            var failure = Failures.Classify(e);
            if (failure.IsBug) log.LogError(e, "Webhook not stored; answering 503 so the gateway retries");
            else log.LogWarning("Webhook not stored ({Error}); answering 503 so the gateway retries", e.Message);
            ctx.Response.Headers.RetryAfter = ((int)(failure.RetryAfter ?? TimeSpan.FromSeconds(5)).TotalSeconds).ToString();
            return Count(envelope.Event, "unavailable", Problems.Of(503, "storage_unavailable", "The event could not be stored; retry."));
        }
        if (ignored is not null) return Count(envelope.Event, "ignored", TypedResults.Ok(new { status = "ignored", reason = ignored }));
        if (stored) worker.Wake();
        return Count(envelope.Event, stored ? "stored" : "duplicate", TypedResults.Ok(new { status = stored ? "stored" : "duplicate" }));
    }

    /// <summary>Counts the answer. Before authentication the event name is the sender's word, so it is not a tag (unbounded series).</summary>
    static IResult Count(string evt, string result, IResult answer)
    {
        Julia.Grains.Observability.JuliaMetrics.Webhook("evolution", evt, result);
        return answer;
    }

    /// <summary>
    /// The body as PostgreSQL's jsonb will take it: JSON allows a NUL character (<c>\u0000</c>) in a string and
    /// jsonb refuses it, so it is kept as U+FFFD instead of the event being refused for ever. Only a real
    /// escape is replaced: after an escaped backslash (<c>\\u0000</c>) the text is a literal and stays as sent.
    /// </summary>
    static string Storable(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        const string Nul = @"\u0000";
        int at = text.IndexOf(Nul, StringComparison.Ordinal);
        if (at < 0) return text;
        var kept = new System.Text.StringBuilder(text.Length);
        int from = 0;
        for (; at >= 0; at = text.IndexOf(Nul, at + Nul.Length, StringComparison.Ordinal))
        {
            int backslashes = 0;
            while (at - backslashes >= 0 && text[at - backslashes] == '\\') backslashes++;
            if (backslashes % 2 == 0) continue; // the backslash before "u0000" is itself escaped
            kept.Append(text, from, at - from).Append(@"\uFFFD");
            from = at + Nul.Length;
        }
        return kept.Append(text, from, text.Length - from).ToString();
    }
}
