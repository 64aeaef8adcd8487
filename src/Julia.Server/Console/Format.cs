using System.Globalization;
using Julia.Domain.Trust;

namespace Julia.Server.ConsoleWeb;

/// <summary>How the console writes times, numbers and phones: pt-BR, São Paulo time.</summary>
public static class Format
{
    public static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");
    static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    public static string Time(DateTimeOffset? t) =>
        t is { } v ? TimeZoneInfo.ConvertTime(v, SaoPaulo).ToString("dd/MM/yyyy HH:mm:ss", PtBr) : "—";

    public static string ShortTime(DateTimeOffset? t) =>
        t is { } v ? TimeZoneInfo.ConvertTime(v, SaoPaulo).ToString("dd/MM HH:mm", PtBr) : "—";

    public static string Number(long n) => n.ToString("N0", PtBr);

    /// <summary>Admins see the full number; everyone else the masked one.</summary>
    public static string Phone(string? e164, bool admin) => admin ? e164 ?? "—" : Julia.Domain.Phones.Phone.Mask(e164);

    public static string Status(string status) => status switch
    {
        "provisioned" => "provisionado",
        "pending" => "pendente",
        "rampup" => "aquecimento",
        "ready" => "pronto",
        "active" => "ativo",
        "degraded" => "degradado",
        "paused" => "pausado",
        "retired" => "aposentado",
        _ => status,
    };

    public static string Health(string health) => health switch
    {
        "saudavel" => "saudável",
        "atencao" => "atenção",
        "critico" => "crítico",
        _ => health,
    };

    /// <summary>What a ramp-up chip still needs, in Portuguese.</summary>
    public static string Need(RampNeed need) => need.Code switch
    {
        RampNeed.Day => $"chegar ao dia {need.Target:0} (está no dia {need.Now:0})",
        RampNeed.Trust => $"confiança {need.Target:0} (está em {need.Now:0})",
        RampNeed.Delivery => $"entrega de {need.Target * 100:0}% neste estágio (está em {Percent(need.Now)})",
        RampNeed.Blocks => $"bloqueios e descadastros até {need.Target * 100:0}% (está em {Percent(need.Now)})",
        _ => "nenhum sinal de spam ou restrição (um sinal volta o chip ao R1)",
    };

    static string Percent(double rate) => (rate * 100).ToString("0.#", PtBr) + "%";

    // The labels below translate stored and API words for display only: the rows and the API keep the English ones.

    /// <summary>A ramp-up stage (the API's r1–r4, operating), in Portuguese.</summary>
    public static string Stage(string stage) => stage switch
    {
        "r1" or "r2" or "r3" or "r4" => stage.ToUpperInvariant(),
        "operating" => "em operação",
        _ => stage,
    };

    /// <summary>How one send attempt ended (message_attempts.outcome), in Portuguese.</summary>
    public static string Attempt(string outcome) => outcome switch
    {
        "sent" => "enviada",
        "timeout" => "sem resposta a tempo",
        "transient" => "falha temporária",
        "rate_limited" => "limite de envio",
        "spam_restriction" => "restrição por spam",
        "permanent" => "falha permanente",
        _ => outcome,
    };

    /// <summary>Why a trust score was computed (trust_log.cause), in Portuguese.</summary>
    public static string TrustCause(string cause) => cause switch
    {
        "event" => "evento",
        "periodic" => "cálculo periódico",
        "registered" => "cadastro",
        "demo seed" => "carga da demonstração",
        _ => cause,
    };

    /// <summary>A message kind (prospecting, followup, reply), in Portuguese.</summary>
    public static string Kind(string kind) => kind switch
    {
        "prospecting" => "prospecção",
        "followup" => "follow-up",
        "reply" => "resposta",
        "inbound" => "do contato",
        _ => kind,
    };

    /// <summary>A message's status (messages.status), in Portuguese.</summary>
    public static string MessageStatus(string status) => status switch
    {
        "queued" => "na fila",
        "sending" => "enviando",
        "in_doubt" => "em dúvida (aguardando o gateway)",
        "sent" => "enviada",
        "delivered" => "entregue",
        "read" => "lida",
        "failed" => "falhou",
        "expired" => "expirada",
        "cancelled" => "cancelada",
        "blocked" => "bloqueada",
        _ => status,
    };

    /// <summary>What a contact's message asked for (inbound.intent), in Portuguese.</summary>
    public static string Intent(string intent) => intent switch
    {
        "opt_out" => "descadastro",
        "opt_in" => "recadastro",
        "help" => "ajuda",
        "none" => "—",
        _ => intent,
    };

    /// <summary>A breaker's state, in Portuguese.</summary>
    public static string Breaker(string state) => state switch
    {
        "closed" => "fechado (enviando)",
        "open" => "aberto (sem envios)",
        "half_open" => "meio-aberto (testando)",
        _ => state,
    };
}
