using Julia.Domain.Chips;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Chips;
using Julia.Storage.Chips;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

public sealed class ChipsModel(ChipStore chips, PoolSettings settings, Clock time) : ConsolePage
{
    public static readonly string[] Sorts = ["id", "status", "trust", "sent", "connected"];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public bool Desc { get; set; }
    public List<ChipJson> Chips { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        ChipStatus? filter = null;
        if (!string.IsNullOrEmpty(Status))
        {
            // The API's rule and code for an unknown status.
            if (ChipStatuses.TryParse(Status, out var s)) filter = s;
            else Error = $"invalid_status: Unknown status '{Status}'.";
        }
        var config = await settings.GetAsync(ct);
        var now = time.GetUtcNow();
        var rows = await chips.ListAsync(filter, 0, 1000, ct);
        IEnumerable<ChipJson> list = rows.Select(r => ChipJson.From(r, config, now));
        list = (Sort ?? "id") switch
        {
            "status" => Desc ? list.OrderByDescending(c => c.Status) : list.OrderBy(c => c.Status),
            "trust" => Desc ? list.OrderByDescending(c => c.TrustScore) : list.OrderBy(c => c.TrustScore),
            "sent" => Desc ? list.OrderByDescending(c => c.SentToday) : list.OrderBy(c => c.SentToday),
            "connected" => Desc ? list.OrderByDescending(c => c.Connected) : list.OrderBy(c => c.Connected),
            _ => Desc ? list.OrderByDescending(c => c.Id) : list.OrderBy(c => c.Id),
        };
        Chips = list.ToList();
    }

    public string SortLink(string column) =>
        $"/console/chips?status={Uri.EscapeDataString(Status ?? "")}&sort={column}&desc={(Sort == column && !Desc).ToString().ToLowerInvariant()}";
}
