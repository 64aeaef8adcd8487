using Julia.Server.Selection;
using Julia.Storage.Selection;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>The selection audit as <c>GET /v1/selections</c> gives it (numbers masked unless admin).</summary>
public sealed class SelectionsModel(SelectionStore selections) : ConsolePage
{
    [BindProperty(SupportsGet = true)] public long? Chip { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    public List<SelectionRecord> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Rows = (await SelectionsApi.List(Chip, Before, 100, User, selections, ct)).Value!;
}
