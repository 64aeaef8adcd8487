using Julia.Domain.Trust;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Chips;
using Julia.Storage.Chips;
using Julia.Storage.Console;
using Julia.Storage.Meta;
using Julia.Storage.Operations;
using Julia.Storage.Pool;
using Julia.Storage.Provisioning;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>One chip: its state as the API shows it, trust history, recent operations and gateway calls, its QR while pending, and the life-cycle
/// actions.</summary>
public sealed class ChipModel(ChipStore chips, PoolSettings settings, OperationStore operations, QrStore qrs, ConsoleQueries queries,
                              ManagerStore manager, MetaChipStore metaChips, IGrainFactory grains, Clock time) : ConsolePage
{
    public static readonly (string Action, string Label)[] Actions =
        [("pause", "Pausar"), ("resume", "Retomar"), ("promote", "Promover"), ("retire", "Aposentar")];

    [BindProperty(SupportsGet = true)] public long Id { get; set; }
    public ChipJson Chip { get; private set; } = null!;
    public List<TrustEntry> Trust { get; private set; } = [];
    public List<Operation> Operations { get; private set; } = [];
    public List<ChipAttempt> Attempts { get; private set; } = [];
    public ChipQr? Qr { get; private set; }

    /// <summary>For a chip in ramp-up: what it still needs to advance, in the pool manager's own words (empty: it advances at the next evaluation).</summary>
    public IReadOnlyList<RampNeed>? RampupNeeds { get; private set; }
    public int? RampupDay { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await chips.GetAsync(Id, ct) is not { } row) return NotFound();
        Chip = ChipJson.From(row, await settings.GetAsync(ct), time.GetUtcNow());
        if (row.Provider == "meta") Chip = Chip with { Meta = await MetaChipJson.ReadAsync(Id, metaChips, ct) };
        Trust = await chips.TrustHistoryAsync(Id, 200, ct);
        Trust.Reverse(); // oldest first, for the line
        Operations = await operations.ListAsync(Id, null, 30, ct);
        if (!IsAdmin) Operations = Operations.Select(o => o with { Contact = o.Contact is null ? null : Julia.Domain.Phones.Phone.Mask(o.Contact) }).ToList();
        Attempts = await queries.ChipAttemptsAsync(Id, 30, ct);
        if (Chip.Status == "pending") Qr = await qrs.GetAsync(Id, ct);
        if (Chip.Status == "rampup" && (await manager.RampupAsync(Id, ct)).FirstOrDefault() is { } ramp)
            (RampupDay, RampupNeeds) = ChipJson.Standing(ramp, time.GetUtcNow());
        return Page();
    }

    /// <summary>pause | resume | retire | promote through the chip's grain, exactly as <c>POST /v1/chips/{id}/{action}</c>.</summary>
    public async Task<IActionResult> OnPostActAsync(string? action, string? reason, CancellationToken ct)
    {
        if (action is null || !Actions.Any(a => a.Action == action)) return BadRequest();
        var result = await ChipsApi.Act(Id, action, new ReasonRequest(reason), User, grains, chips, settings, time, ct);
        var label = Actions.First(a => a.Action == action).Label.ToLowerInvariant();
        return Report(result, $"Chip {Id}: {label} feito.", null, new { id = Id });
    }

    public string QrSource => Qr?.Base64 is { } b ? (b.StartsWith("data:image/", StringComparison.Ordinal) ? b : "data:image/png;base64," + b) : "";
}
