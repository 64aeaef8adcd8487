using System.Diagnostics;

namespace Julia.Testing;

/// <summary>
/// Sees every statement Npgsql runs against one database (from its own trace activities), so a test can
/// say what a code path read. Other test classes' databases are ignored.
/// </summary>
public static class QueryWatch
{
    public static IDisposable On(string database, Action<string> statement)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                var db = (a.GetTagItem("db.namespace") ?? a.GetTagItem("db.name")) as string;
                if (db == database) statement((a.GetTagItem("db.query.text") as string ?? "").TrimStart());
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
