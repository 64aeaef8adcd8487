using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Julia.Client;

/// <summary>
/// Typed client for the Julia Grains HTTP API. Errors come back as <see cref="JuliaApiException"/>
/// carrying the problem's stable <c>code</c>.
/// </summary>
public sealed class JuliaClient
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly HttpClient _http;

    /// <param name="http">An HttpClient whose BaseAddress is the service root.</param>
    public JuliaClient(HttpClient http, string apiKey)
    {
        _http = http;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public HttpClient Http => _http;

    // Selection
    public Task<Selection> SelectAsync(string contact, string kind, IEnumerable<long>? excludeChips = null, CancellationToken ct = default) =>
        Send<Selection>(HttpMethod.Post, "v1/selections", new { contact, kind, excludeChips }, ct);

    public Task<List<SelectionRecord>> ListSelectionsAsync(long? chipId = null, int limit = 100, CancellationToken ct = default) =>
        Send<List<SelectionRecord>>(HttpMethod.Get, $"v1/selections?limit={limit}{(chipId is null ? "" : $"&chipId={chipId}")}", null, ct);

    // Chips
    public Task<Chip> RegisterChipAsync(RegisterChip chip, CancellationToken ct = default) => Send<Chip>(HttpMethod.Post, "v1/chips", chip, ct);
    public Task<Chip> GetChipAsync(long id, CancellationToken ct = default) => Send<Chip>(HttpMethod.Get, $"v1/chips/{id}", null, ct);
    public Task<List<Chip>> ListChipsAsync(string? status = null, CancellationToken ct = default) =>
        Send<List<Chip>>(HttpMethod.Get, status is null ? "v1/chips" : $"v1/chips?status={Uri.EscapeDataString(status)}", null, ct);
    public Task<ChipTrust> GetTrustAsync(long id, CancellationToken ct = default) => Send<ChipTrust>(HttpMethod.Get, $"v1/chips/{id}/trust", null, ct);
    public Task<Chip> PauseChipAsync(long id, string reason, CancellationToken ct = default) => ChipAction(id, "pause", reason, ct);
    public Task<Chip> ResumeChipAsync(long id, string reason, CancellationToken ct = default) => ChipAction(id, "resume", reason, ct);
    public Task<Chip> RetireChipAsync(long id, string reason, CancellationToken ct = default) => ChipAction(id, "retire", reason, ct);
    public Task<Chip> PromoteChipAsync(long id, string reason, CancellationToken ct = default) => ChipAction(id, "promote", reason, ct);
    Task<Chip> ChipAction(long id, string action, string reason, CancellationToken ct) =>
        Send<Chip>(HttpMethod.Post, $"v1/chips/{id}/{action}", new { reason }, ct);

    // Contacts and conversations
    public Task<Contact> PutContactAsync(string phone, string lawfulBasis, string source, string? name = null, CancellationToken ct = default) =>
        Send<Contact>(HttpMethod.Put, $"v1/contacts/{Uri.EscapeDataString(phone)}", new { lawfulBasis, source, name }, ct);
    public Task<Contact> GetContactAsync(string phone, CancellationToken ct = default) =>
        Send<Contact>(HttpMethod.Get, $"v1/contacts/{Uri.EscapeDataString(phone)}", null, ct);
    public Task<Contact> OptOutAsync(string phone, string? source = null, CancellationToken ct = default) =>
        Send<Contact>(HttpMethod.Post, $"v1/contacts/{Uri.EscapeDataString(phone)}/opt-out", new { source }, ct);
    public Task<Contact> OptInAsync(string phone, string reason, CancellationToken ct = default) =>
        Send<Contact>(HttpMethod.Post, $"v1/contacts/{Uri.EscapeDataString(phone)}/opt-in", new { reason }, ct);
    public Task<Conversation> GetConversationAsync(string phone, CancellationToken ct = default) =>
        Send<Conversation>(HttpMethod.Get, $"v1/conversations/{Uri.EscapeDataString(phone)}", null, ct);

    // Messages and inbound
    public async Task<(MessageAccepted Message, bool Created)> SendMessageAsync(string contact, string kind, string text, string idempotencyKey,
        DateTimeOffset? notBefore = null, DateTimeOffset? expiresAt = null, MessageTemplate? template = null, CancellationToken ct = default)
    {
        using var res = await _http.PostAsync("v1/messages", JsonBody(new { contact, kind, text, idempotencyKey, notBefore, expiresAt, template }), ct);
        var body = await Read<MessageAccepted>(res, ct);
        return (body, res.StatusCode == System.Net.HttpStatusCode.Accepted);
    }
    public Task<List<Template>> ListTemplatesAsync(string? wabaId = null, CancellationToken ct = default) =>
        Send<List<Template>>(HttpMethod.Get, "v1/templates" + (wabaId is null ? "" : "?waba=" + Uri.EscapeDataString(wabaId)), null, ct);
    public Task<Message> GetMessageAsync(long id, CancellationToken ct = default) => Send<Message>(HttpMethod.Get, $"v1/messages/{id}", null, ct);
    public Task<MessageAccepted> CancelMessageAsync(long id, CancellationToken ct = default) =>
        Send<MessageAccepted>(HttpMethod.Delete, $"v1/messages/{id}", null, ct);
    public Task<InboundPage> InboundAsync(long after = 0, int limit = 100, CancellationToken ct = default) =>
        Send<InboundPage>(HttpMethod.Get, $"v1/inbound?after={after}&limit={limit}", null, ct);

    // Pool and audit
    public Task<Pool> GetPoolAsync(CancellationToken ct = default) => Send<Pool>(HttpMethod.Get, "v1/pool", null, ct);
    public Task<JsonElement> PutPoolConfigAsync(object config, CancellationToken ct = default) =>
        Send<JsonElement>(HttpMethod.Put, "v1/pool/config", config, ct);
    public Task<Gate> PauseProspectingAsync(string reason, CancellationToken ct = default) =>
        Send<Gate>(HttpMethod.Post, "v1/pool/prospecting/pause", new { reason }, ct);
    public Task<Gate> ResumeProspectingAsync(string reason, CancellationToken ct = default) =>
        Send<Gate>(HttpMethod.Post, "v1/pool/prospecting/resume", new { reason }, ct);
    public Task<List<Operation>> ListOperationsAsync(long? chipId = null, int limit = 100, CancellationToken ct = default) =>
        Send<List<Operation>>(HttpMethod.Get, $"v1/operations?limit={limit}{(chipId is null ? "" : $"&chipId={chipId}")}", null, ct);

    async Task<T> Send<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = JsonBody(body);
        using var res = await _http.SendAsync(req, ct);
        return await Read<T>(res, ct);
    }

    // Serialized first, so the request carries a Content-Length: a streamed JsonContent goes out chunked, which the
    // server decodes through a pipe of its own for each request.
    static ByteArrayContent JsonBody(object body) => new(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json))
    {
        Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") },
    };

    static async Task<T> Read<T>(HttpResponseMessage res, CancellationToken ct)
    {
        if (!res.IsSuccessStatusCode)
        {
            var text = await res.Content.ReadAsStringAsync(ct);
            JsonElement problem = default;
            string code = "http_" + (int)res.StatusCode;
            string? detail = text;
            try
            {
                problem = JsonDocument.Parse(text).RootElement.Clone();
                if (problem.TryGetProperty("code", out var c)) code = c.GetString() ?? code;
                detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            }
            catch (JsonException) { }
            throw new JuliaApiException((int)res.StatusCode, code, detail, problem);
        }
        return (await res.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }
}
