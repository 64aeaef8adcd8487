namespace Julia.Grains;

static class Stored
{
    /// <summary>Runs a grain's database work, turning Npgsql's failures into a <see cref="StoreException"/> that crosses nodes.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try { return await work(); }
        catch (Npgsql.NpgsqlException e) { throw Crossing(e); }
    }

    /// <summary>Npgsql's failure as a <see cref="StoreException"/>, which crosses nodes (for a grain that catches it in its own frame).</summary>
    public static StoreException Crossing(Npgsql.NpgsqlException e) =>
        new(e.Message, (e as Npgsql.PostgresException)?.SqlState, e.IsTransient || e.InnerException is TimeoutException);

    /// <summary>
    /// Makes <paramref name="next"/> the grain's state, durable before anything else happens; if storage refuses, memory
    /// goes back to what storage has and the activation leaves (a stale one, InconsistentStateException, must not act again).
    /// </summary>
    public static async Task WriteOrRevertAsync<T>(this IPersistentState<T> state, T next, Action deactivate)
    {
        var previous = state.State;
        state.State = next;
        try { await state.WriteStateAsync(); }
        catch
        {
            state.State = previous;
            deactivate();
            throw;
        }
    }
}
