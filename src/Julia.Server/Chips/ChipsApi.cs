using System.Security.Claims;
using Julia.Domain.Chips;
using Julia.Domain.Phones;
using Julia.Domain.Trust;
using Julia.Grains;
using Julia.Grains.Chips;
using Julia.Grains.Pool;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Storage.Chips;
using Julia.Storage.Meta;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Julia.Server.Chips;

public sealed record RegisterChipRequest(string? Phone, string? Instance, string? InstanceToken, string? WebhookSecret,
                                         string? Provider, string? Status, bool? Connected, DateTimeOffset? AccountCreatedAt,
                                         MetaChipRequest? Meta = null);

/// <summary>
/// A Meta chip's keys: phone number id (also its instance), WABA, business portfolio, app secret (a secret, as the instance
/// token, which is the system-user token) and Graph API version (default v26.0, none below v24.0).
/// </summary>
public sealed record MetaChipRequest(string? PhoneNumberId, string? WabaId, string? PortfolioId, string? AppSecret, string? GraphVersion);

public sealed record ReasonRequest(string? Reason);

public sealed record TrustJson(long ChipId, int Score, string Level, IReadOnlyList<TrustEntry> History);

public static class ChipsApi
{
    public static RouteGroupBuilder MapChips(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/chips").WithTags("Chips").RequireAuthorization(Scopes.OperatorPolicy);
        g.MapPost("/", Register);
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapGet("/{id:long}/trust", Trust);
        // pause | resume | retire | promote, each with a reason that goes to the operations log
        g.MapPost("/{id:long}/{action:regex(^(pause|resume|retire|promote)$)}", Act);
        return g;
    }

    /// <summary>The chip's grain registers it (its id drawn first: the grain's key), with the first trust score the domain's rule gives.</summary>
    static async Task<Results<Created<ChipJson>, ProblemHttpResult>> Register(RegisterChipRequest body, ClaimsPrincipal user,
        IGrainFactory grains, ChipStore store, MetaChipStore metaChips, PoolSettings pool, Clock time,
        CancellationToken ct)
    {
        if (!Phone.TryParseBrazilian(body.Phone, out var phone)) return Problems.InvalidPhone(); // chips are Brazilian numbers
        NewMetaChip? meta = null;
        if (body.Provider == "meta" || body.Meta is not null)
        {
            var (m, problem) = MetaKeys(body, phone);
            if (problem is not null) return problem;
            meta = m;
            body = body with { Provider = "meta", Instance = m!.PhoneNumberId };
        }
        if (string.IsNullOrWhiteSpace(body.Instance) || body.Instance.Length > 100)
            return Problems.Invalid("invalid_instance", "instance is required (the gateway's instance name, at most 100 characters).");
        var provider = body.Provider ?? "evolution";
        if (provider is not ("evolution" or "meta")) return Problems.Invalid("invalid_provider", "provider must be evolution or meta.");
        var status = ChipStatus.Pending;
        if (body.Status is not null && (!ChipStatuses.TryParse(body.Status, out status) || !Registration.Allows(status))) return InvalidStatus();

        var now = time.GetUtcNow();
        var accountCreated = body.AccountCreatedAt ?? now;
        if (accountCreated > now) return Problems.Invalid("invalid_account_created_at", "accountCreatedAt cannot be in the future.");
        var id = await store.NewIdAsync(ct);
        var registered = await grains.GetGrain<IChipGrain>(id).RegisterAsync(new ChipRegistration(phone.E164, phone.Ddd!.Value, body.Instance.Trim(),
            body.InstanceToken, body.WebhookSecret, provider, status.ToWire(), body.Connected, accountCreated, user.Actor(), now));
        if (registered.Outcome == "invalid_status") return InvalidStatus();
        if (registered.Outcome != "done" || await store.GetAsync(id, ct) is not { } row)
            return Problems.Conflict("chip_exists", "A chip with this phone or instance is already registered.");
        // The chip's row first (its grain writes it), then its Meta keys: the phone number id is its instance, unique among
        // chips, so the second write meets no conflict the first did not.
        if (meta is not null) await metaChips.AddAsync(id, meta, ct);
        return TypedResults.Created($"/v1/chips/{row.Id}", ChipJson.From(row, await pool.GetAsync(ct), now) with { Meta = MetaChipJson.Of(meta) });
    }

    /// <summary>A Meta chip's keys, checked; the display number is the chip's phone.</summary>
    static (NewMetaChip?, ProblemHttpResult?) MetaKeys(RegisterChipRequest body, Phone phone)
    {
        var m = body.Meta;
        if (body.Provider is not (null or "meta") || m is null)
            return (null, Problems.Invalid("invalid_meta", "a Meta chip needs provider meta and its meta keys (phoneNumberId, wabaId)."));
        if (string.IsNullOrWhiteSpace(m.PhoneNumberId) || m.PhoneNumberId.Trim().Length > 64)
            return (null, Problems.Invalid("invalid_phone_number_id", "meta.phoneNumberId is required (Meta's id for the number, at most 64 characters)."));
        if (body.Instance is { } instance && instance.Trim() != m.PhoneNumberId.Trim())
            return (null, Problems.Invalid("invalid_instance", "a Meta chip's instance is its phone number id: leave instance out."));
        if (string.IsNullOrWhiteSpace(m.WabaId) || m.WabaId.Trim().Length > 64)
            return (null, Problems.Invalid("invalid_waba_id", "meta.wabaId is required (the WhatsApp Business Account id, at most 64 characters)."));
        if (m.PortfolioId is { } p && (string.IsNullOrWhiteSpace(p) || p.Trim().Length > 64))
            return (null, Problems.Invalid("invalid_portfolio_id", "meta.portfolioId, when given, is the business portfolio id (at most 64 characters)."));
        var (version, error) = Julia.Providers.Meta.MetaGraphVersion.Read(m.GraphVersion);
        if (version is null) return (null, Problems.Invalid("invalid_graph_version", error!));
        return (new NewMetaChip(m.PhoneNumberId.Trim(), phone.E164[1..], m.WabaId.Trim(), m.PortfolioId?.Trim(),
            string.IsNullOrEmpty(m.AppSecret) ? null : m.AppSecret, version), null);
    }

    static async Task<Results<Ok<List<ChipJson>>, ProblemHttpResult>> List(string? status, long? after, int? limit,
        ChipStore store, PoolSettings pool, Clock time, CancellationToken ct)
    {
        ChipStatus? filter = null;
        if (status is not null)
        {
            if (!ChipStatuses.TryParse(status, out var s)) return Problems.Invalid("invalid_status", $"Unknown status '{status}'.");
            filter = s;
        }
        var rows = await store.ListAsync(filter, after ?? 0, Math.Clamp(limit ?? 500, 1, 1000), ct);
        var config = await pool.GetAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(rows.Select(r => ChipJson.From(r, config, now)).ToList());
    }

    static async Task<Results<Ok<ChipJson>, ProblemHttpResult>> Get(long id, ChipStore store, Julia.Storage.Pool.ManagerStore manager, PoolSettings pool,
        MetaChipStore metaChips, Clock time, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } row) return ChipNotFound(id);
        var now = time.GetUtcNow();
        var json = ChipJson.From(row, await pool.GetAsync(ct), now);
        if (row.Status == Julia.Domain.Chips.ChipStatus.Rampup && (await manager.RampupAsync(id, ct)).FirstOrDefault() is { } r)
            json = json with { Rampup = ChipJson.Progress(r, now) };
        if (row.Provider == "meta") json = json with { Meta = await MetaChipJson.ReadAsync(id, metaChips, ct) };
        return TypedResults.Ok(json);
    }

    static async Task<Results<Ok<TrustJson>, ProblemHttpResult>> Trust(long id, int? limit, ChipStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } row) return ChipNotFound(id);
        var history = await store.TrustHistoryAsync(id, Math.Clamp(limit ?? 100, 1, 1000), ct);
        return TypedResults.Ok(new TrustJson(id, row.Summary.TrustScore, TrustLevels.Of(row.Summary.TrustScore).ToWire(), history));
    }

    /// <summary>The chip's grain decides and records the change (so it queues with the chip's reservations); the answer shows the chip as stored after
    /// it.</summary>
    internal static async Task<Results<Ok<ChipJson>, ProblemHttpResult>> Act(long id, string action, ReasonRequest body, ClaimsPrincipal user,
        IGrainFactory grains, ChipStore store, PoolSettings pool, Clock time, CancellationToken ct)
    {
        if (!Problems.IsValidReason(body.Reason)) return Problems.ReasonRequired();
        var now = time.GetUtcNow();
        var changed = await grains.GetGrain<IChipGrain>(id).ApplyOperatorActionAsync(new OperatorRequest(action, user.Actor(), body.Reason!.Trim(), now));
        return changed.Outcome switch
        {
            "done" when await store.GetAsync(id, ct) is { } row => TypedResults.Ok(ChipJson.From(row, await pool.GetAsync(ct), now)),
            "invalid_transition" => Problems.Conflict("invalid_transition", $"A {changed.Status} chip cannot be asked to {action}.",
                new Dictionary<string, object?> { ["status"] = changed.Status }),
            "concurrent_change" => Problems.Conflict("concurrent_change", "The chip changed while this request was handled; read it again and retry."),
            _ => ChipNotFound(id),
        };
    }

    static ProblemHttpResult InvalidStatus() =>
        Problems.Invalid("invalid_status", "A chip can be registered as provisioned, pending, rampup, ready or active.");

    static ProblemHttpResult ChipNotFound(long id) => Problems.NotFound("chip_not_found", $"No chip with id {id}.");
}
