using Julia.Grains;
using Julia.Server.Outbox;
using Julia.Storage.Console;
using Julia.Storage.Outbox;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

public sealed class QueueModel(ConsoleQueries queries, OutboxStore outbox, Clock time) : ConsolePage
{
    public List<QueuedMessage> Messages { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Messages = await queries.QueueAsync(200, ct);

    /// <summary>Cancel while queued, as <c>DELETE /v1/messages/{id}</c>.</summary>
    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct) =>
        Report(await MessagesApi.Cancel(id, outbox, time, ct), $"Mensagem {id} cancelada.");
}
