namespace Julia.Simulator;

/// <summary>What the simulators' doctors write when they write on their own (the demo's inbound traffic).</summary>
static class DoctorLines
{
    public static readonly string[] Replies =
    [
        "Oi, pode me mandar os detalhes da proposta?", "Tenho interesse, qual o valor do plantão?", "Obrigada, vou ver e te retorno.",
        "Qual a cidade?", "Agora não posso, me chama semana que vem.",
    ];
}
