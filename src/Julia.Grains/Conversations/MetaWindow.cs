using Julia.Domain.Meta;
using Julia.Domain.Selection;
using Julia.Storage.Meta;

namespace Julia.Grains.Conversations;

/// <summary>Applies <see cref="MetaSendRule"/> to the pool for one message: which Meta chips cannot take it, and the audit that says so.</summary>
static class MetaWindow
{
    /// <summary>When the doctor last wrote to <paramref name="chipId"/> (its window's start), from the contact's windows.</summary>
    public static DateTimeOffset? LastWrote(IReadOnlyDictionary<long, DateTimeOffset> windows, long chipId) =>
        windows.TryGetValue(chipId, out var at) ? at : null;

    /// <summary>The Meta chips (not already excluded) outside the doctor's window, when the message has no template to send there instead.</summary>
    public static IReadOnlySet<long> Closed(IReadOnlyDictionary<long, MetaChipPlace> metas, IReadOnlyDictionary<long, DateTimeOffset> windows,
                                            bool hasTemplate, DateTimeOffset now, IReadOnlySet<long> exclude)
    {
        if (hasTemplate || metas.Count == 0) return Empty;
        HashSet<long>? closed = null;
        foreach (var id in metas.Keys)
            if (!exclude.Contains(id) && MetaSendRule.On(meta: true, LastWrote(windows, id), hasTemplate: false, now) is null) (closed ??= []).Add(id);
        return closed ?? Empty;
    }

    /// <summary>The plan's exclusions with the chips left out for the window counted as <c>template_required</c>, not as the request's.</summary>
    public static Dictionary<string, int> Audit(IReadOnlyDictionary<string, int> planned, int closed)
    {
        var audit = new Dictionary<string, int>(planned);
        if (closed == 0 || !audit.TryGetValue("excluded_by_request", out var byRequest)) return audit;
        var moved = Math.Min(closed, byRequest);
        if (byRequest == moved) audit.Remove("excluded_by_request");
        else audit["excluded_by_request"] = byRequest - moved;
        audit[RefusalCodes.TemplateRequired] = moved;
        return audit;
    }

    static readonly IReadOnlySet<long> Empty = new HashSet<long>();
}
