using Julia.Grains;
using Julia.Server.Alerts;
using Julia.Storage.Alerts;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

public sealed class AlertsModel(AlertStore alerts, AlertsWorker worker, Clock time) : ConsolePage
{
    [BindProperty(SupportsGet = true)] public bool All { get; set; }
    public List<Alert> Alerts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Alerts = await alerts.ListAsync(!All, 200, ct);

    /// <summary>As <c>POST /v1/alerts/{id}/resolve</c> (the resolution notice goes out at once).</summary>
    public async Task<IActionResult> OnPostResolveAsync(long id, CancellationToken ct) =>
        Report(await AlertsApi.Resolve(id, User, alerts, worker, time, ct), $"Alerta {id} resolvido.", null, new { all = All });
}
