namespace Julia.Grains;

static class Stored
{
    /// <summary>Runs a grain's database work, turning Npgsql's failures into a <see cref="StoreException"/> that crosses nodes.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try { return await work(); }
        catch (Npgsql.NpgsqlException e)
        {
            throw new StoreException(e.Message, (e as Npgsql.PostgresException)?.SqlState, e.IsTransient || e.InnerException is TimeoutException);
        }
    }
}
