using Npgsql;

namespace Julia.Server.Health;

public static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        // Live: the process answers. Ready: its silo is in the cluster (not joining, not leaving) and it can
        // reach its database, so a load balancer may send traffic.
        g.MapGet("/live", () => TypedResults.Ok(new { status = "live" }));
        g.MapGet("/ready", Ready);
    }

    static async Task<IResult> Ready(NpgsqlDataSource db, Cluster.SiloReadiness silo, IHostApplicationLifetime life, CancellationToken ct)
    {
        if (!silo.IsActive || life.ApplicationStopping.IsCancellationRequested)
            return TypedResults.Json(new { status = "unavailable", reason = "cluster" }, statusCode: 503);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var c = await db.OpenConnectionAsync(timeout.Token);
            await using var cmd = new NpgsqlCommand("SELECT 1", c);
            await cmd.ExecuteScalarAsync(timeout.Token);
            return TypedResults.Ok(new { status = "ready" });
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return TypedResults.Json(new { status = "unavailable", reason = "database" }, statusCode: 503);
        }
    }
}
