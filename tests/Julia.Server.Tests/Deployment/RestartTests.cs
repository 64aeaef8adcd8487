using Julia.Client;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Auth;
using Npgsql;

namespace Julia.Server.Tests.Deployment;

/// <summary>The embedded default: no connection string, a private cluster in Julia:DataDir.</summary>
[Trait("Category", "Fault")]
public class RestartTests
{
    [Fact]
    public async Task Data_survives_a_restart_on_the_same_data_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "julia-restart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var settings = new Dictionary<string, string?> { ["Julia:DataDir"] = Path.Combine(dir, "pg") };
        try
        {
            long id;
            string key;
            await using (var first = await TestHost.Builder().WithoutDatabase().Set(settings).StartAsync())
            {
                key = await new ApiKeyStore(first.Get<NpgsqlDataSource>()).CreateAsync("restart", ["operator"], DateTimeOffset.UtcNow, default);
                id = (await first.Client(key).RegisterChipAsync(new RegisterChip("11997770001", "restart-1"))).Id;
            }
            Assert.False(File.Exists(Path.Combine(dir, "pg", "postmaster.pid")), "PostgreSQL still running after the service stopped");
            await using (var second = await TestHost.Builder().WithoutDatabase().Set(settings).StartAsync())
            {
                var chip = await second.Client(key).GetChipAsync(id);
                Assert.Equal("+5511997770001", chip.Phone);
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public void Missing_server_binaries_give_one_clear_error()
    {
        var empty = Directory.CreateTempSubdirectory("julia-nopg").FullName;
        var e = Assert.Throws<Julia.Storage.Local.LocalPostgresException>(() => Julia.Storage.Local.LocalPostgres.FindBinDir(empty, Path.Combine(empty, "none")));
        Assert.Contains("apt-get install postgresql", e.Message);
        Assert.Contains("ConnectionStrings:Postgres", e.Message);
        Directory.Delete(empty);
    }

    [Fact]
    public async Task Demo_mode_seeds_the_pool_and_accepts_demo_keys_on_loopback()
    {
        var dir = Path.Combine(Path.GetTempPath(), "julia-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var host = await TestHost.Builder().WithoutDatabase().Set("Julia:DataDir", dir).Args("--demo").StartAsync();
            var chips = await host.Client("demo-operator-key").ListChipsAsync();
            Assert.Equal((12, 3), (chips.Count(c => c.Provider == "evolution"), chips.Count(c => c.Provider == "meta")));
            Assert.True(chips.Select(c => c.Status).Distinct().Count() >= 6);
            Assert.True(chips.Select(c => c.TrustLevel).Distinct().Count() >= 4);
            Assert.Contains(chips, c => c.Status == "active" && c.TrustScore >= 80);  // can prospect
            Assert.Contains(chips, c => c.Status == "active" && c.TrustScore < 80);   // cannot
            var contact = await host.Client("demo-agent-key").GetContactAsync("+5511900000500");
            Assert.Equal("legitimate_interest", contact.LawfulBasis);
            Assert.Equal(404, (await Assert.ThrowsAsync<JuliaApiException>(() => host.Client("demo-agent-key").GetContactAsync("+5511900000501"))).Status);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
