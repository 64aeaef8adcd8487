using System.Text.Json;
using System.Text.Json.Serialization;
using Julia.Domain.Pool;
using Julia.Grains;
using Julia.Grains.Pool;
using Julia.Server.Auth;
using Julia.Server.Http;
using Julia.Server.Pool;
using Julia.Storage.Operations;
using Julia.Storage.Pool;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>The pool configuration as JSON, saved through <c>PUT /v1/pool/config</c>'s handler. Admins only; a reason is required and logged.</summary>
public sealed class SettingsModel(PoolStore pools, PoolSettings settings, IGrainFactory grains, NpgsqlDataSource db,
                                  Clock time) : ConsolePage
{
    // As the API reads and writes it (camelCase, enums as strings).
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    protected override string PostRole => ConsoleRoles.Admin;

    [BindProperty] public string? Config { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Config ??= JsonSerializer.Serialize(await settings.GetAsync(ct), Json);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Problems.IsValidReason(Reason)) return Fail(Problems.ReasonRequired());
        PoolConfig? body;
        try { body = JsonSerializer.Deserialize<PoolConfig>(Config ?? "", Json); }
        catch (JsonException e) { return Fail(Problems.Of(400, "malformed_json", "The body is not valid JSON for this request.", e.Message)); }
        if (body is null) return Fail(Problems.Of(400, "malformed_json", "The body is not valid JSON for this request."));
        var result = await PoolApi.PutConfig(body, User, pools, grains, settings, time, ct);
        if (result.Result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult) return Fail(result);
        // The API's change record has no reason; the console's says why beside it.
        await using (var c = await db.OpenConnectionAsync(ct))
            await OperationStore.AddAsync(c, null, new NewOperation(User.Actor(), "pool_config_reason", Reason: Reason!.Trim()), time.GetUtcNow(), ct);
        return Report(result, "Configuração salva; vale para todos os nós.");
    }

    /// <summary>Keeps what the admin typed on the page, with the problem shown above it.</summary>
    IActionResult Fail(IResult result)
    {
        PageError = Problem(result);
        return Page();
    }
}
