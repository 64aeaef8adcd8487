using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Julia.Simulator;

/// <summary>
/// JSON as Meta writes its webhook bodies: compact, every non-ASCII character as lowercase <c>\uXXXX</c> (emoji as
/// surrogate pairs) and every <c>/</c> as <c>\/</c>. A receiver that re-serialises the parsed body gets other bytes, and
/// the signature over Meta's bytes no longer matches: the simulator must send exactly these.
/// </summary>
public static class MetaEscaping
{
    static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode body)
    {
        var raw = body.ToJsonString(Raw);
        var sb = new StringBuilder(raw.Length + 32);
        for (int i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                // An escape the serialiser wrote (it writes emoji as \uD83D\uDC4D): copied, its hex in lowercase as Meta's.
                var next = raw[i + 1];
                sb.Append(c).Append(next);
                i++;
                if (next == 'u' && i + 4 < raw.Length) { sb.Append(raw.AsSpan(i + 1, 4).ToString().ToLowerInvariant()); i += 4; }
            }
            else if (c == '/') sb.Append("\\/");
            else if (c > 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
