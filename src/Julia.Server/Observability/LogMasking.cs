using System.Text.RegularExpressions;
using Julia.Domain.Phones;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Julia.Server.Observability;

/// <summary>
/// The one place that decides what a log line may not show: full phone numbers (shown as <see cref="Phone.Mask"/>
/// shows them) and secrets (bearer tokens, Evolution's <c>apikey</c>, webhook secrets, Telegram bot tokens, Slack
/// webhook URLs: all become <c>***</c>). A property whose name says it holds a secret is hidden whole.
/// </summary>
/// <remarks>
/// Applied by <see cref="MaskingEnricher"/> to every property value (which is what the rendered message is built
/// from) and, by <see cref="MaskingSink"/>, to the rare template text or exception that carries one literally. A
/// rule here is cheap to add and cheaper than a leak: each is a regular expression compiled once.
/// </remarks>
public static partial class LogMasking
{
    public const string Hidden = "***";

    // E.164 with its plus: 10 to 15 digits after it, not inside a longer run of digits.
    [GeneratedRegex(@"(?<![\d+])\+\d{10,15}(?!\d)")]
    private static partial Regex E164();

    // WhatsApp ids (5511987654321@s.whatsapp.net, …@c.us) and bare Brazilian mobile numbers with the country code
    // (the gateway's "number" field): 55 + DDD + 8 or 9 digits.
    [GeneratedRegex(@"(?<![\d+])(55\d{10,11})(?=@|(?!\d))")]
    private static partial Regex BareBrazil();

    [GeneratedRegex(@"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/=]+")]
    private static partial Regex Bearer();

    // apikey=…, "apikey":"…", apikey: …, and the same for token/secret-named keys.
    [GeneratedRegex(@"(?i)(""?\b(?:apikey|api_key|x-api-key|token|secret|webhook_secret|signingsecret|bot_token|password)""?\s*[:=]\s*""?)[^""\s,;&}]+")]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"(?i)https?://hooks\.slack\.com/\S+")]
    private static partial Regex SlackHook();

    // Telegram's bot token in its API path: /bot123456:ABC-def…
    [GeneratedRegex(@"(?i)\bbot\d{5,}:[A-Za-z0-9_\-]{10,}")]
    private static partial Regex BotToken();

    [GeneratedRegex(@"(?i)(token|secret|apikey|api_key|password|authorization|webhookurl|signature)")]
    private static partial Regex SecretName();

    /// <summary>Whether a property of this name holds a secret (its value is hidden whole, whatever it looks like).</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>The text with every phone masked and every secret hidden; the same string when there is none.</summary>
    public static string Mask(string text)
    {
        if (text.Length < 8) return text;
        var s = SlackHook().Replace(text, Hidden);
        s = BotToken().Replace(s, "bot" + Hidden);
        s = Bearer().Replace(s, m => m.Groups[1].Value + " " + Hidden);
        s = KeyValue().Replace(s, m => m.Groups[1].Value + Hidden);
        s = E164().Replace(s, m => Phone.Mask(m.Value));
        s = BareBrazil().Replace(s, m => Phone.Mask("+" + m.Value));
        return s;
    }

    internal static LogEventPropertyValue Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } when Mask(s) is var masked && !ReferenceEquals(masked, s) && masked != s => new ScalarValue(masked),
        ScalarValue { Value: Uri u } when Mask(u.ToString()) is var masked && masked != u.ToString() => new ScalarValue(masked),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Mask)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, IsSecretName(p.Name) ? Secret : Mask(p.Value))),
        st.TypeTag),
        DictionaryValue d => new DictionaryValue(d.Elements.Select(kv => KeyValuePair.Create(kv.Key,
            kv.Key.Value is string k && IsSecretName(k) ? Secret : Mask(kv.Value)))),
        _ => value,
    };

    static readonly ScalarValue Secret = new(Hidden);

    internal static LogEventPropertyValue MaskProperty(string name, LogEventPropertyValue value) =>
        IsSecretName(name) && value is not ScalarValue { Value: null or bool or int or long } ? Secret : Mask(value);
}

/// <summary>Rewrites every property of every event through <see cref="LogMasking"/>.</summary>
public sealed class MaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent e, ILogEventPropertyFactory factory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in e.Properties)
        {
            var masked = LogMasking.MaskProperty(name, value);
            if (!ReferenceEquals(masked, value)) (changed ??= []).Add(new LogEventProperty(name, masked));
        }
        if (changed is null) return;
        foreach (var p in changed) e.AddOrUpdateProperty(p);
    }
}

/// <summary>
/// In front of the outputs: an event whose template text or exception carries a phone or secret literally (an
/// interpolated message, an exception naming a URL) is re-made with those masked. Events without one pass as they are.
/// </summary>
public sealed class MaskingSink(ILogEventSink inner) : ILogEventSink
{
    static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent e)
    {
        var text = e.MessageTemplate.Text;
        var maskedText = LogMasking.Mask(text);
        var exception = e.Exception;
        string? exceptionText = exception?.ToString();
        var maskedException = exceptionText is null ? null : LogMasking.Mask(exceptionText);
        if (maskedText == text && maskedException == exceptionText)
        {
            inner.Emit(e);
            return;
        }
        var template = maskedText == text ? e.MessageTemplate : Parser.Parse(maskedText);
        var ex = maskedException == exceptionText ? exception : new MaskedException(exception!.GetType().FullName!, maskedException!);
        inner.Emit(new LogEvent(e.Timestamp, e.Level, ex, template, e.Properties.Select(p => new LogEventProperty(p.Key, p.Value)), e.TraceId ?? default,
            e.SpanId ?? default));
    }

    /// <summary>An exception whose text had a secret: logged as its masked text under its original type's name.</summary>
    sealed class MaskedException(string type, string text) : Exception(type)
    {
        public override string ToString() => text;
        public override string? StackTrace => null;
    }
}
