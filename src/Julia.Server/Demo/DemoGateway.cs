using Julia.Domain.Chips;
using Julia.Domain.Selection;
using Julia.Simulator;
using Julia.Storage.Chips;
using Julia.Storage.Inbox;
using Julia.Storage.Outbox;

namespace Julia.Server.Demo;

/// <summary>
/// Demo mode's living pool: the gateway simulator gets an instance per chip and sends its webhooks
/// back here, and a small synthetic agent hands over genuine-looking work (follow-ups to the demo
/// contacts, answers to doctors who wrote). Nothing here talks between our own numbers.
/// </summary>
public static class DemoGateway
{
    public static async Task AttachAsync(WebApplication app, EvolutionSimulator simulator)
    {
        // Every chip the connection health pass asks about has its instance here, as the gateway would: a chip left
        // out (the seed's pending one, or one bought in an earlier run, whose simulator is gone) answered 401 to
        // every pass. A disconnected chip's instance says so: waiting for its QR if pending, closed otherwise.
        foreach (var (instance, token, secret, phone, status, connected) in await app.Services.GetRequiredService<ChipStore>().GatewayInstancesAsync(default))
        {
            simulator.AddInstance(new InstanceSpec(instance, token ?? "", secret, phone));
            if (!connected) simulator.SetState(instance, status == ChipStatus.Pending ? "connecting" : "close");
        }

        var stop = new CancellationTokenSource();
        Task? agent = null;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            simulator.Options.WebhookUrl = DemoSimulators.WebhookUrl(app.Urls.FirstOrDefault(), Julia.Providers.Evolution.EvolutionWebhooks.Name);
            agent = Task.Run(() => RunAgentAsync(app.Services, stop.Token));
            simulator.StartDoctors(Storage.Demo.DemoSeed.ContactPhones, TimeSpan.FromSeconds(3));
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            stop.Cancel();
            try { agent?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            simulator.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        });
    }

    static async Task RunAgentAsync(IServiceProvider services, CancellationToken stop)
    {
        var outbox = services.GetRequiredService<OutboxStore>();
        var inbound = services.GetRequiredService<InboundStore>();
        var worker = services.GetRequiredService<Outbox.OutboxWorker>();
        var time = services.GetRequiredService<Julia.Grains.Clock>();
        var random = new Random(7);
        long cursor = (await inbound.AfterAsync(0, 1_000_000, stop)).LastOrDefault()?.Id ?? 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var contact = Storage.Demo.DemoSeed.ContactPhone(random.Next(1, Storage.Demo.DemoSeed.ContactCount + 1));
                var kind = random.Next(3) == 0 ? MessageKind.Prospecting : MessageKind.Followup;
                // With its template: a Meta number outside the doctor's 24-hour window sends that instead of the text.
                await outbox.EnqueueAsync(new NewMessage($"demo:{Guid.NewGuid():N}", contact, kind,
                    "Oi, Dr(a)! Aqui é a Julia. Temos plantões na sua região esta semana; posso te mandar os detalhes?", null, now.AddHours(4),
                    kind == MessageKind.Prospecting ? DemoTemplates.Invitation : DemoTemplates.FollowUp), now, stop);
                foreach (var m in await inbound.AfterAsync(cursor, 100, stop))
                {
                    cursor = m.Id;
                    if (m.Intent != "none") continue; // keyword replies are the service's own
                    await outbox.EnqueueAsync(new NewMessage($"demo-reply:{m.Id}", m.Contact, MessageKind.Reply,
                        "Obrigada pelo retorno! Vou te passar os detalhes em seguida.", null, now.AddHours(1)), now, stop);
                }
                worker.Wake();
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stop)
                    .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }
}
