namespace Julia.Providers.Webhooks;

/// <summary>
/// What a posted body comes to: <see cref="Refusal"/> (nothing is stored), or the <see cref="Items"/> to store.
/// <see cref="Event"/> names the body in metrics: "unknown" until the sender is authenticated, since before
/// that it is the sender's word (an unbounded series).
/// </summary>
public sealed record WebhookIntake(WebhookRefusal? Refusal, IReadOnlyList<WebhookItem> Items, string Event)
{
    public static WebhookIntake Refused(int status, string code, string title, string? detail = null) => new(new(status, code, title, detail), [], "unknown");

    public static WebhookIntake Accepted(string evt, params WebhookItem[] items) => new(null, items, evt);
}
