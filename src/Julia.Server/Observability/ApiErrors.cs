using Julia.Domain.Selection;

namespace Julia.Server.Observability;

/// <summary>
/// The problem+json codes each part of the API may answer, by status, for the OpenAPI document. Read off the
/// endpoints' <c>Problems.*</c> calls, <c>ErrorHandling</c>, the auth handler and <c>Failures</c>; a new code in an
/// endpoint belongs here too (the OpenAPI test checks every /v1 operation lists some).
/// </summary>
public static class ApiErrors
{
    /// <summary>What any authenticated /v1 operation may answer, whatever it does.</summary>
    static readonly (int Status, string[] Codes)[] Shared =
    [
        (401, ["unauthorized"]),
        (403, ["forbidden"]),
        (503, ["overloaded", "database_unavailable", "cluster_unavailable"]),
    ];

    /// <summary>A request with a body may also be unreadable.</summary>
    static readonly (int, string[]) Body = (400, ["malformed_json", "missing_body", "bad_request"]);

    /// <summary>By route prefix, longest first; the codes of that feature's endpoints.</summary>
    static readonly (string Prefix, (int Status, string[] Codes)[] Errors)[] Features =
    [
        ("/v1/contacts/{phone}/overrides", [(404, ["override_not_found"]), (409, ["override_ended"]), (422, ["invalid_phone", "reason_required"])]),
        ("/v1/contacts", [(404, ["contact_not_found"]),
            (422, ["invalid_phone", "invalid_field", "invalid_lawful_basis", "invalid_name", "source_required", "reason_required"])]),
        ("/v1/conversations", [(404, ["conversation_not_found"]), (422, ["invalid_phone"])]),
        ("/v1/selections", [
            (409, [.. RefusalCodes.AboutPoolOrClock]),
            (422, [.. RefusalCodes.AboutContact, "invalid_phone", "invalid_kind", "invalid_field"])]),
        ("/v1/messages", [(404, ["message_not_found"]), (409, ["message_final", "message_in_flight"]),
            (422, ["invalid_phone", "invalid_kind", "invalid_text", "text_too_long", "idempotency_key_required", "invalid_not_before", "invalid_expires_at",
                   "invalid_template"])]),
        ("/v1/chips/{id}/qr", [(404, ["chip_not_found", "qr_not_available"]), (409, ["chip_not_pending"])]),
        ("/v1/chips", [(404, ["chip_not_found"]), (409, ["chip_exists", "invalid_transition", "concurrent_change"]),
            (422, ["invalid_phone", "invalid_instance", "invalid_provider", "invalid_status", "invalid_account_created_at", "reason_required",
                   "invalid_meta", "invalid_phone_number_id", "invalid_waba_id", "invalid_portfolio_id", "invalid_graph_version"])]),
        ("/v1/pool", [(409, ["gate_not_tripped"]), (422, ["invalid_config", "reason_required"])]),
        ("/v1/provisioning", [(409, ["provision_daily_cap"]), (422, ["invalid_ddd", "reason_required"])]),
        ("/v1/alerts", [(404, ["alert_not_found"]), (409, ["alert_resolved"])]),
        ("/v1/inbox", [(404, ["event_not_found"]), (409, ["event_not_dead"])]),
        ("/v1/inbound", [(422, ["invalid_field"])]),
        ("/v1/operations", [(422, ["invalid_field"])]),
    ];

    public static IReadOnlyDictionary<int, IReadOnlyList<string>> For(string verb, string path)
    {
        var all = new SortedDictionary<int, List<string>>();
        void Add(int status, IEnumerable<string> codes)
        {
            if (!all.TryGetValue(status, out var list)) all[status] = list = [];
            list.AddRange(codes.Where(c => !list.Contains(c)));
        }
        if (verb is "POST" or "PUT" or "PATCH") Add(Body.Item1, Body.Item2);
        foreach (var (status, codes) in Features.FirstOrDefault(f => path.StartsWith(f.Prefix, StringComparison.Ordinal)).Errors ?? [])
            Add(status, codes);
        // Any route with a parameter may name something that is not there.
        if (path.Contains('{') && !all.ContainsKey(404)) Add(404, ["not_found"]);
        foreach (var (status, codes) in Shared) Add(status, codes);
        return all.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }
}
