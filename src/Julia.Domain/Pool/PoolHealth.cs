namespace Julia.Domain.Pool;

public static class PoolHealth
{
    public static string Of(int active, int ready, PoolTargets t) =>
        active < t.ActiveMin ? "critico" : ready < t.ReadyMin ? "atencao" : "saudavel";
}
