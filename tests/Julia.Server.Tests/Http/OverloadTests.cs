using System.Net;
using System.Net.Http.Json;
using Julia.Server.Http;
using Julia.Server.Tests.Infrastructure;
using Julia.Storage.Auth;
using Npgsql;
using Xunit.Abstractions;

namespace Julia.Server.Tests.Http;

/// <summary>
/// A selection once answered 500 under load. Overload and database trouble are the caller's cue to
/// retry later (503, Retry-After, a code); only a genuine bug is a 500. (The 500 itself was not
/// reproduced; see ChipDirectoryTests for the one path found that could give it.)
/// </summary>
public class OverloadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_starved_connection_pool_answers_503_overloaded_with_retry_after()
    {
        var clock = new ManualClock(ManualClock.MondayNoon);
        var cs = await TestPostgres.CreateDatabaseAsync("overload");
        await using var db = NpgsqlDataSource.Create(cs);
        await Seed.ChipAsync(db, clock.GetUtcNow());
        var key = await new ApiKeyStore(db).CreateAsync("agent", ["agent"], clock.GetUtcNow(), default);
        // A tiny pool with a short wait: what a starved machine looks like to the service.
        await using var host = await TestHost.Builder().OnDatabase(cs + ";Maximum Pool Size=3;Timeout=1").Clock(clock).Output(output).StartAsync();
        var client = host.Client(key);
        Assert.Equal("ranked", (await client.SelectAsync("+5511987650001", "reply")).Reason);

        // Take every connection the server's pool has.
        var pool = host.Get<NpgsqlDataSource>();
        var held = new List<NpgsqlConnection>();
        try
        {
            while (true)
            {
                try { held.Add(await pool.OpenConnectionAsync()); }
                catch (NpgsqlException) { break; }
            }
            var res = await host.Http(key).PostAsJsonAsync("v1/selections", new { contact = "+5511987650002", kind = "reply" });
            var body = await res.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
            Assert.Contains("\"code\":\"overloaded\"", body);
            Assert.Equal("1", res.Headers.RetryAfter?.ToString());
        }
        finally
        {
            foreach (var c in held) await c.DisposeAsync();
        }
        // The same request works once the pool has room again (and the chip's min gap has passed).
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("ranked", (await client.SelectAsync("+5511987650002", "reply")).Reason);
    }

    public static TheoryData<Exception, int, string> Cases => new()
    {
        { new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected), 503, "overloaded" },
        { new PostgresException("could not serialize", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure), 503, "overloaded" },
        { new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled), 503, "overloaded" },
        { new PostgresException("too many clients", "FATAL", "FATAL", PostgresErrorCodes.TooManyConnections), 503, "overloaded" },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), 503, "database_unavailable" },
        { new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow), 503, "database_unavailable" },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException()), 503, "overloaded" },
        { new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size'"), 503, "overloaded" },
        { new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)), 503, "database_unavailable" },
        { new OperationCanceledException(), 503, "overloaded" },
        { new TimeoutException(), 503, "overloaded" },
        { new Orleans.Runtime.SiloUnavailableException("silo S127.0.0.1:1:1 is unavailable"), 503, "cluster_unavailable" },
        // Our mistakes stay visible as 500s.
        { new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), 500, "internal_error" },
        { new PostgresException("syntax error", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError), 500, "internal_error" },
        { new InvalidOperationException("No row is available"), 500, "internal_error" },
        { new NullReferenceException(), 500, "internal_error" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Each_failure_has_one_meaning(Exception e, int status, string code)
    {
        var f = Failures.Classify(e);
        Assert.Equal((status, code), (f.Status, f.Code));
        Assert.Equal(status == 503, f.RetryAfter is not null);
    }
}
