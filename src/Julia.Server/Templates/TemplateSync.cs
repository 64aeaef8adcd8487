using Julia.Grains;
using Julia.Providers.Meta;
using Julia.Storage.Meta;
using Microsoft.Extensions.Options;

namespace Julia.Server.Templates;

/// <summary>
/// Reads every WABA's templates from the Graph API at start and every <c>Meta:TemplateSyncInterval</c> (spec §6), with a
/// token of one of its chips; the template webhooks keep them current in between. Every node syncs (the writes are
/// upserts; a WABA's list is a few requests, well under Meta's 200 management calls per hour). A WABA that fails is
/// logged and tried again next time; the others go on.
/// </summary>
public sealed class TemplateSync(MetaTemplateStore store, MetaTemplates graph, Clock time, IOptions<MetaOptions> options, ILogger<TemplateSync> log)
    : BackgroundService
{
    /// <summary>One pass over every WABA; returns how many templates were read.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        int read = 0;
        foreach (var (waba, token, version) in await store.WabasAsync(ct))
        {
            try
            {
                var templates = await graph.ListAsync(waba, token, version, ct);
                await store.SyncAsync(waba, [.. templates.Select(t => new SyncedTemplate(t.Name, t.Language, t.Id, t.Category, t.Status,
                    t.ParameterCount, t.Body))], time.GetUtcNow(), ct);
                read += templates.Count;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning("Templates of WABA {Waba} not synced: {Error}", waba, e.Message);
            }
        }
        return read;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.TemplateSyncInterval);
        do
        {
            try { await RunOnceAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning("Template sync failed: {Error}", e.Message); }
        }
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }
}
