using Julia.Server.Operations;
using Julia.Storage.Operations;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>Who did what, when and why, as <c>GET /v1/operations</c> gives it.</summary>
public sealed class OperationsModel(OperationStore operations) : ConsolePage
{
    [BindProperty(SupportsGet = true)] public long? Chip { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    public List<Operation> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Rows = (await OperationsApi.List(Chip, Before, 100, User, operations, ct)).Value!;
}
