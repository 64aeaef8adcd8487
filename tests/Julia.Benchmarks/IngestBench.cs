using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Julia.Benchmarks;

/// <summary>
/// Webhook ingest: authenticated Evolution messages.upsert events POSTed to /webhooks/evolution and
/// answered 200 only once stored (durable PostgreSQL, fsync on). Processing is switched off so the
/// figure is ingest alone. Baseline: pgbench single-row INSERTs at the same concurrency.
/// </summary>
public static class IngestBench
{
    const string PgbenchInsert = """
        \set aid random(1, 1000000)
        INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 0, now());
        """;

    public static async Task RunAsync(BenchEnvironment env, Report report, int seconds)
    {
        await using var db = await env.FreshDatabaseAsync("ingest");
        await using (var cmd = db.CreateCommand("""
            INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at)
            SELECT '+551196' || lpad(i::text, 7, '0'), 11, 'ingest-' || i, 'tok-' || i, 'sec-' || i, 'active', true, 90, 5, now(), now(), now()
            FROM generate_series(1, 20) AS i
            """)) await cmd.ExecuteNonQueryAsync();
        var (app, url) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor("ingest") + ";Maximum Pool Size=64",
            ["Inbox:Enabled"] = "false",
            ["Trust:Enabled"] = "false",
        });

        report.Line("");
        report.Line("## webhook ingest: messages.upsert, authenticated, stored before 200 (processing off)");
        report.Line("| clients | events/s stored | p50 ms | p99 ms | CPU ms per event: node + load / PostgreSQL | pgbench insert TPS | ratio |");
        report.Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        long seq = 0;
        // The first round (8 clients, 2 s) warms the JIT and the connection pools, and is not reported.
        foreach (var (clients, length, reported) in new[] { (8, 2, false), (8, seconds, true), (32, seconds, true) })
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(url + "/") };
            var lat = new List<double>[clients];
            long stored = 0;
            var cpu = CpuSample.Now();
            var end = Stopwatch.GetTimestamp() + Stopwatch.Frequency * length;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
            {
                lat[c] = [];
                while (Stopwatch.GetTimestamp() < end)
                {
                    var n = Interlocked.Increment(ref seq);
                    int chip = (int)(n % 20) + 1;
                    var body = JsonSerializer.Serialize(new
                    {
                        @event = "messages.upsert",
                        instance = $"ingest-{chip}",
                        data = new
                        {
                            key = new { remoteJid = $"55119{n % 100000 + 10000000:00000000}@s.whatsapp.net", fromMe = false, id = $"3EB0{n:X16}" },
                            pushName = "Dra. Bench",
                            message = new { conversation = "Oi, tenho interesse no plantão" },
                            messageType = "conversation",
                            messageTimestamp = 1_732_240_000 + n,
                        },
                        date_time = "2026-11-22T10:00:00.000Z",
                        sender = "5511960000001@s.whatsapp.net",
                        apikey = $"tok-{chip}",
                    });
                    using var req = new HttpRequestMessage(HttpMethod.Post, "webhooks/evolution") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    req.Headers.Add("X-Webhook-Secret", $"sec-{chip}");
                    var t0 = Stopwatch.GetTimestamp();
                    using var res = await http.SendAsync(req);
                    lat[c].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (res.IsSuccessStatusCode) Interlocked.Increment(ref stored);
                }
            }));
            var used = CpuSample.Now() - cpu;
            if (!reported) continue;
            var all = lat.SelectMany(x => x).Order().ToList();
            var rate = stored / (double)seconds;
            var tps = (await env.PgbenchScriptAsync(PgbenchInsert, clients, seconds)).Tps;
            report.Line($"| {clients} | {rate:F0} | {Report.Percentile(all, 0.5):F2} | {Report.Percentile(all, 0.99):F2} | {used.Self.TotalMilliseconds / stored:F3} / {used.Postgres.TotalMilliseconds / stored:F3} | {tps:F0} | {rate / tps:F2} |");
        }
        await using (var check = db.CreateCommand("SELECT count(*) FROM inbox"))
            report.Line($"inbox rows stored: {(long)(await check.ExecuteScalarAsync())!}");
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
