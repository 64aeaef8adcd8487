using Julia.Domain.Contacts;

namespace Julia.Domain.Tests;

public class KeywordTests
{
    [Theory]
    [InlineData("PARE", KeywordIntent.OptOut)]
    [InlineData("pare", KeywordIntent.OptOut)]
    [InlineData("  Pare!  ", KeywordIntent.OptOut)]
    [InlineData("Parar.", KeywordIntent.OptOut)]
    [InlineData("SAIR", KeywordIntent.OptOut)]
    [InlineData("stop", KeywordIntent.OptOut)]
    [InlineData("Cancelar", KeywordIntent.OptOut)]
    [InlineData("descadastrar", KeywordIntent.OptOut)]
    [InlineData("Não quero mais", KeywordIntent.OptOut)]
    [InlineData("NÃO   QUERO  MAIS!!", KeywordIntent.OptOut)]
    [InlineData("nao quero mais", KeywordIntent.OptOut)]
    [InlineData("Remover", KeywordIntent.OptOut)]
    [InlineData("voltar", KeywordIntent.OptIn)]
    [InlineData("START", KeywordIntent.OptIn)]
    [InlineData("Ajuda?", KeywordIntent.Help)]
    [InlineData("help", KeywordIntent.Help)]
    [InlineData("não pare", KeywordIntent.None)]
    [InlineData("pare de me mandar isso por favor", KeywordIntent.None)]
    [InlineData("parei", KeywordIntent.None)]
    [InlineData("", KeywordIntent.None)]
    [InlineData(null, KeywordIntent.None)]
    [InlineData("Bom dia, doutora", KeywordIntent.None)]
    public void Detects_whole_message_keywords(string? text, KeywordIntent expected) =>
        Assert.Equal(expected, Keywords.Detect(text));
}
