using Julia.Domain.Selection;
using Julia.Domain.Trust;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Chips;
using Julia.Server.Pool;
using Julia.Storage.Chips;
using Julia.Storage.Console;
using Julia.Storage.Pool;
using Microsoft.AspNetCore.Mvc;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>The pool at a glance: the same counts and health as <c>GET /v1/pool</c>, the gate, capacity, trust and 24 h of activity.</summary>
public sealed class IndexModel(PoolStore pools, PoolSettings settings, ChipStore chips, ConsoleQueries queries, IGrainFactory grains,
                               Clock time) : ConsolePage
{
    public static readonly string[] StatusOrder = ["provisioned", "pending", "rampup", "ready", "active", "degraded", "paused", "retired"];
    public static readonly MessageKind[] Kinds = [MessageKind.Prospecting, MessageKind.Followup, MessageKind.Reply];

    public PoolJson Pool { get; private set; } = null!;
    public Dictionary<MessageKind, int> CapacityLeft { get; } = new();
    public List<(string Label, int Value)> Trust { get; } = [];
    public List<HourlyActivity> Activity { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Pool = (await PoolApi.Get(pools, settings, grains, ct)).Value!;
        var now = time.GetUtcNow();
        var levels = new Dictionary<TrustLevel, int>();
        foreach (var k in Kinds) CapacityLeft[k] = 0;
        await foreach (var chip in AllChipsAsync(ct))
        {
            var c = ChipJson.From(chip, Pool.Config, now);
            if (c.Status == "retired") continue;
            var level = TrustLevels.Of(c.TrustScore);
            levels[level] = levels.GetValueOrDefault(level) + 1;
            // Sends left today on chips that can send now; degraded chips keep their conversations but take no new ones.
            if (!c.Connected || c.Status is not ("rampup" or "ready" or "active" or "degraded")) continue;
            var left = Math.Max(0, c.DayCap - c.SentToday);
            foreach (var k in Kinds)
                if (level.Permits(k) && !(k == MessageKind.Prospecting && (Pool.Gate.Tripped || c.Status == "degraded")))
                    CapacityLeft[k] += left;
        }
        foreach (var l in new[] { TrustLevel.Verde, TrustLevel.Amarelo, TrustLevel.Laranja, TrustLevel.Vermelho, TrustLevel.Critico })
            Trust.Add((l.ToWire(), levels.GetValueOrDefault(l)));
        Activity = await queries.ActivityAsync(now, ct);
    }

    async IAsyncEnumerable<ChipRow> AllChipsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var page = await chips.ListAsync(null, after, 1000, ct);
            foreach (var c in page) yield return c;
            if (page.Count < 1000) yield break;
            after = page[^1].Id;
        }
    }

    public async Task<IActionResult> OnPostResumeAsync(string? reason, CancellationToken ct) =>
        Report(await PoolApi.Resume(new ReasonRequest(reason), User, pools, grains, settings, time, ct), "Prospecção retomada.");

    public async Task<IActionResult> OnPostPauseAsync(string? reason, CancellationToken ct) =>
        Report(await PoolApi.Pause(new ReasonRequest(reason), User, pools, grains, settings, time, ct), "Prospecção pausada em todo o pool.");

    public static string KindName(MessageKind k) => k switch
    {
        MessageKind.Prospecting => "prospecção",
        MessageKind.Followup => "follow-up",
        _ => "resposta",
    };
}
