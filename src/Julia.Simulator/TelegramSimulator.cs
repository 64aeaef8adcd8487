using System.Text.Json;

namespace Julia.Simulator;

/// <summary>
/// A fake Telegram Bot API on 127.0.0.1: <c>POST /bot{token}/sendMessage</c> with <c>chat_id</c> and <c>text</c> (JSON)
/// answers <c>{"ok":true,"result":{…}}</c> for its one token and chat, Telegram's error shape otherwise (401 for an
/// unknown token, 400 "chat not found"), and the switchable faults of <see cref="ChatFaults"/>.
/// </summary>
public sealed class TelegramSimulator : ChatSimulatorBase, IAsyncDisposable
{
    readonly WebApplication _app;
    int _messageId;
    public string Token { get; }
    public string ChatId { get; }

    TelegramSimulator(WebApplication app, string token, string chatId) { _app = app; Token = token; ChatId = chatId; }

    public static async Task<TelegramSimulator> StartAsync(string token = "123456789:SIMULATEDbotTOKENsimulatedBOTtoken", string chatId = "-1001234567890",
                                                           string url = "http://127.0.0.1:0")
    {
        var app = Loopback.Build(url);
        var sim = new TelegramSimulator(app, token, chatId);
        app.MapPost("/{bot}/sendMessage", sim.HandleAsync);
        sim.BaseAddress = await Loopback.StartAsync(app);
        return sim;
    }

    async Task<IResult> HandleAsync(string bot, HttpContext http)
    {
        if (!bot.StartsWith("bot", StringComparison.Ordinal)) { Record(404, null); return Results.NotFound(); }
        var token = bot[3..];
        var f = Take();
        switch (f.Fault)
        {
            case ChatFault.Down: Record(0, null); http.Abort(); return Results.Empty;
            case ChatFault.NotFound: return Error(404, "Not Found");
            case ChatFault.Forbidden: return Error(403, "Forbidden: bot was kicked from the channel chat");
            case ChatFault.ServerError: return Error(500, "Internal Server Error");
            case ChatFault.RateLimited:
                http.Response.Headers.RetryAfter = f.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Error(429, $"Too Many Requests: retry after {f.RetryAfterSeconds}", new { retry_after = f.RetryAfterSeconds });
        }
        if (token != Token) return Error(401, "Unauthorized");
        string? chat = null, text = null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var root = doc.RootElement;
            if (root.TryGetProperty("chat_id", out var c)) chat = c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText();
            if (root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) text = t.GetString();
        }
        catch (JsonException) { }
        if (chat != ChatId) return Error(400, "Bad Request: chat not found");
        if (string.IsNullOrEmpty(text)) return Error(400, "Bad Request: message text is empty");
        var at = DateTimeOffset.UtcNow;
        Record(200, new ChatMessage(text, chat, at));
        return Results.Json(new
        {
            ok = true,
            result = new
            {
                message_id = Interlocked.Increment(ref _messageId),
                chat = new { id = long.TryParse(chat, out var id) ? id : 0, type = "channel" },
                date = at.ToUnixTimeSeconds(),
                text
            },
        });
    }

    IResult Error(int code, string description, object? parameters = null)
    {
        Record(code, null);
        return parameters is null
            ? Results.Json(new { ok = false, error_code = code, description }, statusCode: code)
            : Results.Json(new { ok = false, error_code = code, description, parameters }, statusCode: code);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
