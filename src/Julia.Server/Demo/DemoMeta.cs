using Julia.Simulator;
using Julia.Storage.Demo;
using Julia.Storage.Meta;

namespace Julia.Server.Demo;

/// <summary>
/// Demo mode's Meta numbers: the Cloud API simulator serves every Meta chip of the database with the demo agent's two
/// templates approved on their WABAs (a marketing invitation, a utility follow-up), signs its webhooks back here, and
/// lets the demo's doctors write to the Meta numbers now and then, which opens their 24-hour windows.
/// </summary>
public static class DemoMeta
{
    public static async Task AttachAsync(WebApplication app, MetaSimulator simulator)
    {
        // Before the service starts: its first template sync reads these.
        var numbers = await app.Services.GetRequiredService<MetaChipStore>().NumbersAsync(default);
        foreach (var (pnid, token, display, waba) in numbers) simulator.AddNumber(new MetaNumber(pnid, token ?? "", display, waba));
        foreach (var waba in numbers.Select(n => n.WabaId).Distinct())
        {
            simulator.AddTemplate(waba, DemoTemplates.Invitation.Name, "MARKETING", language: DemoTemplates.Invitation.Language,
                body: "Olá, {{1}}! Aqui é a Julia. Temos plantões na sua região esta semana: posso te mandar os detalhes?");
            simulator.AddTemplate(waba, DemoTemplates.FollowUp.Name, "UTILITY", language: DemoTemplates.FollowUp.Language,
                body: "Olá, {{1}}. Retomando nossa conversa sobre os plantões: ainda tem interesse?");
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            simulator.Options.WebhookUrl = DemoSimulators.WebhookUrl(app.Urls.FirstOrDefault(), Julia.Providers.Meta.MetaWebhooks.Name);
            simulator.StartDoctors(DemoSeed.ContactPhones, TimeSpan.FromSeconds(10));
        });
        app.Lifetime.ApplicationStopping.Register(() => simulator.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5)));
    }
}
