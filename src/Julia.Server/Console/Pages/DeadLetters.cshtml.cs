using Julia.Grains;
using Julia.Server.Alerts;
using Julia.Storage.Inbox;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>Webhook events that could not be applied. Their payloads are not shown: they carry the instance's token.</summary>
public sealed class DeadLettersModel(InboxStore inbox, Inbox.InboxWorker worker, Clock time) : ConsolePage
{
    public List<StoredEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Events = await inbox.ListAsync("dead", 200, ct);

    /// <summary>As <c>POST /v1/inbox/{id}/replay</c>.</summary>
    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken ct) =>
        Report(await AlertsApi.Replay(id, inbox, worker, time, ct), $"Evento {id} reenviado para processamento.");
}
