using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Julia.Client;
using Julia.Storage.Auth;
using Npgsql;

namespace Julia.Benchmarks;

/// <summary>
/// Webhook ingest, answered 200 only once stored (durable PostgreSQL, fsync on), processing switched off so the figure is
/// ingest alone: authenticated Evolution messages.upsert events POSTed to /webhooks/evolution, and signed Meta bodies
/// (one status or one doctor's message each) POSTed to /webhooks/meta for Meta chips registered through the API. At each
/// client count the two take turns in four slices each (Evolution, Meta, Meta, Evolution, Meta, Evolution, Evolution, Meta) so the
/// machine's drift falls on both alike.
/// Bodies are built and signed before each slice (as the gateways build theirs), so the figure is the service's.
/// Baseline: pgbench single-row INSERTs at the same concurrency. Then one Meta POST of 1,000 statuses, as Meta batches
/// them: the time until its 200, and that all 1,000 are in the inbox.
/// </summary>
public static class IngestBench
{
    const int Chips = 20, BatchItems = 1_000;

    const string PgbenchInsert = """
        \set aid random(1, 1000000)
        INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 0, now());
        """;

    sealed record Gateway(string Name, Func<long, WebhookPost> Post);

    /// <summary>With <c>--alloc-profile</c> and <c>--gateway</c>: the bytes of that gateway's 32-client slices by type.</summary>
    public static AllocationProfile? Profile { get; set; }

    // Bodies built ahead of each slice: more than a slice posts on this machine (about 12,000 a second at most).
    const int Prepared = 80_000;

    sealed class Tally
    {
        public long Stored;
        public readonly List<double> Latencies = [];
        public CpuSample Cpu;
        public long Allocated;
        public double Seconds;
    }

    /// <param name="only">One gateway's name: only its bodies are posted (a profile of one), no batch.</param>
    public static async Task RunAsync(BenchEnvironment env, Report report, int seconds, string? only = null)
    {
        await using var db = await env.FreshDatabaseAsync("ingest");
        await using (var cmd = db.CreateCommand($"""
            INSERT INTO chips (phone, ddd, instance, instance_token, webhook_secret, status, connected, trust_score, rampup_stage, account_created_at, created_at, updated_at)
            SELECT '+551196' || lpad(i::text, 7, '0'), 11, 'ingest-' || i, 'tok-' || i, 'sec-' || i, 'active', true, 90, 5, now(), now(), now()
            FROM generate_series(1, {Chips}) AS i
            """)) await cmd.ExecuteNonQueryAsync();
        var (app, url) = await Harness.StartServerAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = env.Postgres.ConnectionStringFor("ingest") + ";Maximum Pool Size=64",
            ["Inbox:Enabled"] = "false",
            ["Trust:Enabled"] = "false",
        });
        var meta = await RegisterMetaChipsAsync(db, url);
        Gateway[] gateways = [new("Evolution", Evolution), new("Meta", n => meta[(int)(n % Chips)].One(n))];
        if (only is not null) gateways = [.. gateways.Where(g => g.Name.Equals(only, StringComparison.OrdinalIgnoreCase))];

        var warmup = await Warmup.UntilJitSettlesAsync(async _ =>
        {
            // Both client counts: a path the warm-up did not run at 32 clients was still being recompiled in the measured slices.
            foreach (var g in gateways)
                foreach (var clients in new[] { 8, 32 }) await MeasureAsync(url, g, clients, TimeSpan.FromSeconds(1), new Tally());
        }, maxRounds: 10);
        report.Line("");
        report.Line("## webhook ingest: Evolution messages.upsert and Meta messages (one status or one message per body), authenticated, stored before 200 (processing off)");
        report.Line(warmup);
        report.Line($"Each gateway runs {seconds} s per client count, in slices of {seconds / 4.0:0.#} s taken in turns (E M M E M E E M).");
        report.Line("| gateway | clients | events/s stored | p50 ms | p99 ms | CPU ms per event: node + load / PostgreSQL | bytes allocated per event | pgbench insert TPS | ratio |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ratios = new List<string>();
        foreach (var clients in new[] { 8, 32 })
        {
            var tallies = gateways.ToDictionary(g => g, _ => new Tally());
            if (clients == 32 && gateways.Length == 1) Profile?.Start();
            foreach (var i in new[] { 0, 1, 1, 0, 1, 0, 0, 1 })
                await MeasureAsync(url, gateways[i % gateways.Length], clients, TimeSpan.FromSeconds(seconds / 4.0), tallies[gateways[i % gateways.Length]]);
            var tps = (await env.PgbenchScriptAsync(PgbenchInsert, clients, seconds)).Tps;
            foreach (var (g, t) in tallies)
            {
                var all = t.Latencies.Order().ToList();
                var rate = t.Stored / t.Seconds; // one gateway alone runs all eight slices
                report.Line($"| {g.Name} | {clients} | {rate:F0} | {Report.Percentile(all, 0.5):F2} | {Report.Percentile(all, 0.99):F2} | " +
                            $"{t.Cpu.Self.TotalMilliseconds / t.Stored:F3} / {t.Cpu.Postgres.TotalMilliseconds / t.Stored:F3} | {t.Allocated / t.Stored:N0} | {tps:F0} | {rate / tps:F2} |");
            }
            if (clients == 32 && gateways.Length == 1 && Profile is not null)
                foreach (var line in Profile.Top(tallies[gateways[0]].Stored)) report.Line(line);
            if (gateways.Length == 2) ratios.Add($"{clients} clients {tallies[gateways[1]].Stored / (double)tallies[gateways[0]].Stored:F2}");
        }
        report.Line($"Meta / Evolution events/s: {string.Join(", ", ratios)}");
        await using (var check = db.CreateCommand("SELECT string_agg(source || ' ' || n, ', ' ORDER BY source) FROM (SELECT source, count(*) AS n FROM inbox GROUP BY 1) x"))
            report.Line($"inbox rows stored: {(string)(await check.ExecuteScalarAsync())!}");

        if (only is null) await BatchAsync(db, url, meta[0], report);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Meta chips registered as an operator registers them (provider meta, each with its own app secret), all in one WABA.</summary>
    static async Task<MetaBenchChip[]> RegisterMetaChipsAsync(NpgsqlDataSource db, string url)
    {
        var key = await new ApiKeyStore(db).CreateAsync("bench", ["operator"], DateTimeOffset.UtcNow, default);
        var client = new JuliaClient(new HttpClient { BaseAddress = new Uri(url + "/") }, key);
        var chips = new MetaBenchChip[Chips];
        for (int i = 0; i < Chips; i++)
        {
            var chip = new MetaBenchChip($"1065400000{i + 1:00000}", $"551197{i + 1:0000000}", "102290000000001", $"app-secret-{i + 1}");
            await client.RegisterChipAsync(RegisterChip.ForMeta("+" + chip.Display, $"EAAG-bench-{i + 1}",
                new MetaKeys(chip.PhoneNumberId, chip.Waba, "120000000000001", chip.AppSecret), status: "active"));
            chips[i] = chip;
        }
        return chips;
    }

    static long _seq;

    /// <summary>
    /// A doctor's message as Evolution API v2 posts it, with every field its webhooks carry (the shape of
    /// ../shared/payloads/evolution-messages-upsert.json: the message's status, instance id and source, and the
    /// destination and server URL beside the event), authenticated with the chip's webhook secret.
    /// </summary>
    static WebhookPost Evolution(long n)
    {
        int chip = (int)(n % Chips) + 1;
        var body = JsonSerializer.Serialize(new
        {
            @event = "messages.upsert",
            instance = $"ingest-{chip}",
            data = new
            {
                key = new { remoteJid = $"55119{n % 100000 + 10000000:00000000}@s.whatsapp.net", fromMe = false, id = $"3EB0{n:X16}" },
                pushName = "Dra. Bench",
                status = "DELIVERY_ACK",
                message = new { conversation = "Oi, tenho interesse no plantão" },
                contextInfo = (object?)null,
                messageType = "conversation",
                messageTimestamp = 1_732_240_000 + n,
                instanceId = $"6f1c2d3e-4a5b-4c6d-8e7f-{chip:000000000000}",
                source = "android",
            },
            destination = "https://julia.example.com.br/webhooks/evolution",
            date_time = "2026-11-22T10:00:00.000Z",
            sender = "5511960000001@s.whatsapp.net",
            server_url = "https://evo.example.com.br",
            apikey = $"tok-{chip}",
        });
        return new WebhookPost("webhooks/evolution", Encoding.UTF8.GetBytes(body), "X-Webhook-Secret", $"sec-{chip}");
    }

    /// <summary>Posts the gateway's bodies from <paramref name="clients"/> clients for <paramref name="length"/>; adds to <paramref name="tally"/>.</summary>
    static async Task MeasureAsync(string url, Gateway gateway, int clients, TimeSpan length, Tally tally)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(url + "/") };
        var first = _seq;
        var posts = new WebhookPost[Prepared];
        if (Profile is not null) Profile.Paused = true;
        for (int i = 0; i < posts.Length; i++) posts[i] = gateway.Post(first + i + 1);
        // The bodies are kept from here on: promoted now rather than by the slice's own collections.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (Profile is not null) Profile.Paused = false;
        var lat = new List<double>[clients];
        long stored = 0;
        var cpu = CpuSample.Now();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var end = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * length.TotalSeconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            lat[c] = [];
            while (Stopwatch.GetTimestamp() < end)
            {
                var n = Interlocked.Increment(ref _seq);
                using var req = (n - first <= Prepared ? posts[n - first - 1] : gateway.Post(n)).Request();
                var t0 = Stopwatch.GetTimestamp();
                using var res = await http.SendAsync(req);
                lat[c].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (res.IsSuccessStatusCode) Interlocked.Increment(ref stored);
            }
        }));
        tally.Cpu += CpuSample.Now() - cpu;
        tally.Allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated;
        tally.Stored += stored;
        tally.Seconds += length.TotalSeconds;
        foreach (var l in lat) tally.Latencies.AddRange(l);
    }

    /// <summary>One POST of 1,000 statuses (one entry, one change, as Meta batches them), three times: the time to its 200 and the rows kept.</summary>
    static async Task BatchAsync(NpgsqlDataSource db, string url, MetaBenchChip chip, Report report)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        report.Line("");
        report.Line($"## Meta: one POST of {BatchItems:N0} statuses (one entry, one change), stored before 200");
        report.Line("| post | body bytes | ms to answer | answer | statuses in the inbox |");
        report.Line("| ---: | ---: | ---: | --- | ---: |");
        for (int i = 1; i <= 3; i++)
        {
            var tag = $"BATCH{i}X";
            using var req = chip.Batch(tag, BatchItems);
            var bytes = (await req.Content!.ReadAsByteArrayAsync()).Length;
            var t0 = Stopwatch.GetTimestamp();
            using var res = await http.SendAsync(req);
            var answer = await res.Content.ReadAsStringAsync();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            await using var check = db.CreateCommand("SELECT count(*) FROM inbox WHERE source = 'meta' AND starts_with(dedupe_key, $1)");
            check.Parameters.Add(new NpgsqlParameter { Value = chip.BatchKeyPrefix(tag) });
            var kept = (long)(await check.ExecuteScalarAsync())!;
            report.Line($"| {i} | {bytes:N0} | {ms:F0} | {(int)res.StatusCode} {answer} | {kept:N0} |");
        }
    }
}
