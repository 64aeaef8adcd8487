using Julia.Domain.Phones;
using Julia.Domain.Selection;
using Julia.Grains;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Julia.Server.Outbox;

public static class MessagesApi
{
    public const int MaxText = 4096;

    public static RouteGroupBuilder MapMessages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/messages").WithTags("Messages").RequireAuthorization(Scopes.AgentPolicy);
        g.MapPost("/", Send);
        g.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.AnyPolicy);
        g.MapDelete("/{id:long}", Cancel);
        return g;
    }

    static async Task<Results<Accepted<MessageAccepted>, Ok<MessageAccepted>, ProblemHttpResult>> Send(SendMessageRequest body, OutboxStore store,
        OutboxWorker worker, Clock time, IOptions<OutboxOptions> options, CancellationToken ct)
    {
        if (!Phone.TryParse(body.Contact, out var contact)) return Problems.InvalidPhone();
        if (!MessageKinds.TryParse(body.Kind, out var kind))
            return Problems.Invalid("invalid_kind", "kind must be prospecting, followup or reply (aliases: prospeccao, resposta).");
        if (string.IsNullOrWhiteSpace(body.Text)) return Problems.Invalid("invalid_text", "text is required.");
        if (body.Text.Length > MaxText) return Problems.Invalid("text_too_long", $"text is at most {MaxText} characters.");
        if (string.IsNullOrWhiteSpace(body.IdempotencyKey) || body.IdempotencyKey.Length > 200)
            return Problems.Invalid("idempotency_key_required", "idempotencyKey (at most 200 characters) is required, so a retried request cannot send twice.");
        if (TemplateOf(body.Template, out var template) is { } bad) return bad;
        var now = time.GetUtcNow();
        var expires = body.ExpiresAt ?? (body.NotBefore ?? now) + options.Value.DefaultValidity;
        if (expires <= now) return Problems.Invalid("invalid_expires_at", "expiresAt is in the past.");
        if (body.NotBefore is { } nb && nb >= expires) return Problems.Invalid("invalid_not_before", "notBefore must be before expiresAt.");

        var (m, created) = await store.EnqueueAsync(
            new NewMessage(body.IdempotencyKey, contact.E164, kind, body.Text, body.NotBefore, expires, template), now, ct);
        if (!created) return TypedResults.Ok(new MessageAccepted(m.Id, m.Status));
        worker.Wake();
        return TypedResults.Accepted($"/v1/messages/{m.Id}", new MessageAccepted(m.Id, m.Status));
    }

    /// <summary>Meta's rules for a template (spec §6): a lowercase name with underscores, a locale, at most 100 short parameters.</summary>
    static ProblemHttpResult? TemplateOf(TemplateRequest? t, out MessageTemplate? template)
    {
        template = null;
        if (t is null) return null;
        if (string.IsNullOrWhiteSpace(t.Name) || t.Name.Length > 512 || !t.Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            return Problems.Invalid("invalid_template", "template.name is required: lowercase letters, digits and underscores, at most 512 characters.");
        if (string.IsNullOrWhiteSpace(t.Language) || t.Language.Length is < 2 or > 15)
            return Problems.Invalid("invalid_template", "template.language is required: the template's exact locale, such as pt_BR.");
        var parameters = t.Parameters ?? [];
        if (parameters.Count > 100 || parameters.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > 1024))
            return Problems.Invalid("invalid_template", "template.parameters: at most 100, each 1 to 1,024 characters.");
        template = new MessageTemplate(t.Name, t.Language, [.. parameters]);
        return null;
    }

    static async Task<Results<Ok<MessageJson>, ProblemHttpResult>> Get(long id, OutboxStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } m) return Problems.NotFound("message_not_found", $"No message with id {id}.");
        var (timeline, attempts) = await store.HistoryAsync(id, ct);
        return TypedResults.Ok(new MessageJson(m.Id, m.IdempotencyKey, m.Contact, m.Kind, m.Status, m.ChipId, m.Attempts, m.TriedChips, m.LastError,
            m.CreatedAt, m.NotBefore, m.Status is "queued" or "in_doubt" ? m.NextAttemptAt : null, m.ExpiresAt, m.SentAt, m.DeliveredAt, m.ReadAt,
            timeline, attempts, m.Template));
    }

    internal static async Task<Results<Ok<MessageAccepted>, ProblemHttpResult>> Cancel(long id, OutboxStore store, Clock time, CancellationToken ct)
    {
        var (outcome, status) = await store.CancelAsync(id, time.GetUtcNow(), ct);
        return outcome switch
        {
            CancelOutcome.Cancelled => TypedResults.Ok(new MessageAccepted(id, "cancelled")),
            CancelOutcome.NotFound => Problems.NotFound("message_not_found", $"No message with id {id}."),
            CancelOutcome.InFlight => Problems.Conflict("message_in_flight",
                "The message is being sent, or may have been sent (in doubt); it can no longer be cancelled."),
            _ => Problems.Conflict("message_final", $"The message is already {status}.", new Dictionary<string, object?> { ["status"] = status }),
        };
    }
}
