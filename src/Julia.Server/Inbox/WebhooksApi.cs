using Julia.Grains;
using Julia.Providers.Webhooks;
using Julia.Server.Http;
using Julia.Storage.Inbox;

namespace Julia.Server.Inbox;

/// <summary>
/// <c>POST /webhooks/{gateway}</c> (and <c>/{event}</c>) for every registered gateway. Order of business: the gateway
/// reads, checks and authenticates the body (<see cref="IGatewayWebhooks.ReceiveAsync"/>), its events are stored with
/// their dedupe keys (grouped with concurrent webhooks into one commit), then the answer. 200 only once the events
/// are durably stored; 503 when they cannot be (the gateway retries); 4xx only for requests that can never succeed
/// (the gateway stops on a 4xx). A valid, authentic event that will not be acted on is stored as ignored with its
/// reason, and answered 200. Processing happens after the answer.
/// </summary>
public static class WebhooksApi
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/webhooks").WithTags("Webhooks").AllowAnonymous();
        foreach (var gateway in app.ServiceProvider.GetServices<IGatewayWebhooks>())
        {
            g.MapPost("/" + gateway.Source, (HttpContext ctx, InboxStore inbox, InboxWorker worker, Clock time, ILogger<InboxWorker> log) =>
                Receive(ctx, gateway, null, inbox, worker, time, log));
            g.MapPost("/" + gateway.Source + "/{evt}", (string evt, HttpContext ctx, InboxStore inbox, InboxWorker worker, Clock time,
                                                       ILogger<InboxWorker> log) =>
                Receive(ctx, gateway, evt, inbox, worker, time, log));
        }
    }

    static async Task<IResult> Receive(HttpContext ctx, IGatewayWebhooks gateway, string? pathEvent, InboxStore inbox, InboxWorker worker, TimeProvider time,
        ILogger log)
    {
        var ct = ctx.RequestAborted;
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await ctx.Request.Body.CopyToAsync(ms, ct);
            body = ms.ToArray();
        }
        var headers = ctx.Request.Headers;
        var intake = await gateway.ReceiveAsync(new WebhookRequest(body, pathEvent, name => headers[name].FirstOrDefault()), time.GetUtcNow(), ct);
        if (intake.Refusal is { } r) return Count(gateway.Source, intake.Event, "rejected", Problems.Of(r.Status, r.Code, r.Title, r.Detail));

        // From here the body is valid and authentic: its events are kept, to be applied or as ignored with the reason.
        bool[] stored;
        try
        {
            var now = time.GetUtcNow();
            stored = await Task.WhenAll(intake.Items.Select(i =>
                inbox.AddAsync(new NewInboxEvent(i.DedupeKey, gateway.Source, i.Event, i.ChipId, Storable(i.Payload), now, i.Ignored), ct)));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever kept the event from being stored, the gateway must retry it (it stops only on a 4xx);
            // a failure that is our bug is logged as one.
            var failure = Failures.Classify(e);
            if (failure.IsBug) log.LogError(e, "Webhook not stored; answering 503 so the gateway retries");
            else log.LogWarning("Webhook not stored ({Error}); answering 503 so the gateway retries", e.Message);
            ctx.Response.Headers.RetryAfter = ((int)(failure.RetryAfter ?? TimeSpan.FromSeconds(5)).TotalSeconds)
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Count(gateway.Source, intake.Event, "unavailable", Problems.Of(503, "storage_unavailable", "The event could not be stored; retry."));
        }
        // One answer per body: ignored when nothing in it is to be applied, stored when something new is, else a duplicate.
        if (intake.Items.All(i => i.Ignored is not null))
            return Count(gateway.Source, intake.Event, "ignored", TypedResults.Ok(new
            {
                status = "ignored",
                reason = (intake.Items.Count > 0 ? intake.Items[0].Ignored : null)
            }));
        bool any = intake.Items.Where((i, n) => i.Ignored is null && stored[n]).Any();
        if (any) worker.Wake();
        return Count(gateway.Source, intake.Event, any ? "stored" : "duplicate", TypedResults.Ok(new { status = any ? "stored" : "duplicate" }));
    }

    /// <summary>Counts the answer. Before authentication the event name is the sender's word, so it is not a tag (unbounded series).</summary>
    static IResult Count(string source, string evt, string result, IResult answer)
    {
        Julia.Grains.Observability.JuliaMetrics.Webhook(source, evt, result);
        return answer;
    }

    /// <summary>
    /// The body as PostgreSQL's jsonb will take it: JSON allows a NUL character (<c>\u0000</c>) in a string and
    /// jsonb refuses it, so it is kept as U+FFFD instead of the event being refused for ever. Only a real
    /// escape is replaced: after an escaped backslash (<c>\\u0000</c>) the text is a literal and stays as sent.
    /// </summary>
    static string Storable(string text)
    {
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
