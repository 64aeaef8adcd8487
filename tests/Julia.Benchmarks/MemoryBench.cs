using Julia.Client;
using Julia.Storage.Auth;

namespace Julia.Benchmarks;

/// <summary>
/// The node's memory with the node alone in its process: Julia.Server started as a child process on a seeded
/// database (100 chips; 100,000 and then 1,000,000 contacts), its RSS read from /proc after contacts are touched
/// through the HTTP API by 8 clients (each touch activates the contact's conversation grain, which reads its
/// state). The load generator (this process) is not in the figure. The same touched set on both databases shows
/// whether the node grows with contacts it never touched; touching 100,000 on the larger one gives the bytes per
/// active conversation grain. Run once with the server's own GC setting and once with the other, for the choice.
/// The child runs on the real clock, so outside the sending window selections are refused: the grain is active and
/// holds its state either way (the state is read before any guardrail), which is what is measured here.
/// </summary>
public static class MemoryBench
{
    const int Clients = 8;
    const int Touched = 8_400; // about the contacts the scale benchmark's cold pass touches
    const int ManyTouched = 100_000;

    public static async Task RunAsync(BenchEnvironment env, Report report)
    {
        report.Line("");
        report.Line("## Memory: the node alone (Julia.Server as a child process), 100 chips, contacts touched over HTTP by 8 clients");
        report.Line("RSS of the node process from /proc after each step (MiB); the load generator is another process.");
        report.Line("| GC | contacts | started, idle | touched 8,400 | touched 100,000 | per conversation grain |");
        report.Line("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var contacts in new[] { 100_000, 1_000_000 })
        {
            var name = $"memory_{contacts}";
            await using var db = await env.FreshDatabaseAsync(name);
            await ScaleBench.SeedAsync(db, 100, contacts);
            await using (var cmd = db.CreateCommand("""
                UPDATE pool_config SET config = '{"targets":{"activeMax":100000},"caps":{"minGapScale":0,"operating":{"perHour":1000000,"perDay":10000000}}}'
                """)) await cmd.ExecuteNonQueryAsync();
            var key = await new ApiKeyStore(db).CreateAsync("bench", ["agent", "operator"], DateTimeOffset.UtcNow, default);
            foreach (var serverGc in new[] { false, true })
            {
                using var node = await ChildNode.StartAsync(env.Postgres.ConnectionStringFor(name) + ";Maximum Pool Size=64", serverGc);
                var idle = node.RssMiB();
                var client = new JuliaClient(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = node.Url }, key);
                await TouchAsync(client, 0, Touched, contacts);
                var few = node.RssMiB();
                string many = "", perGrain = "";
                if (contacts >= ManyTouched * 10)
                {
                    await TouchAsync(client, Touched, ManyTouched, contacts);
                    var m = node.RssMiB();
                    many = $"{m:F0}";
                    perGrain = $"{(m - few) * 1048576 / (ManyTouched - Touched):N0} B";
                }
                report.Line($"| {(serverGc ? "server" : "workstation")} | {contacts:N0} | {idle:F0} | {few:F0} | {many} | {perGrain} |");
            }
        }
    }

    /// <summary>Selects once for each of the contacts numbered [from, to) in a scattered order, 8 at a time.</summary>
    static async Task TouchAsync(JuliaClient client, long from, long to, int contacts)
    {
        long next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (long i; (i = Interlocked.Increment(ref next)) < to;)
            {
                try { await client.SelectAsync($"+55119{10000000 + 1 + i * 7919 % contacts:00000000}", "reply"); }
                catch (JuliaApiException) { } // refused: the grain is active all the same
            }
        }));
    }
}
