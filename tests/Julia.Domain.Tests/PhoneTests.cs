using Julia.Domain.Phones;

namespace Julia.Domain.Tests;

public class PhoneTests
{
    [Theory]
    [InlineData("+55 (11) 99999-0001", "+5511999990001")]
    [InlineData("5511999990001", "+5511999990001")]
    [InlineData("11999990001", "+5511999990001")]
    [InlineData(" (21) 98888.7777 ", "+5521988887777")]
    [InlineData("+551133334444", "+551133334444")]
    [InlineData("1133334444", "+551133334444")]
    [InlineData("+351 912 345 678", "+351912345678")]  // a doctor in Portugal
    [InlineData("+1 (415) 555-0123", "+14155550123")]  // North America
    [InlineData("+54 9 11 2345-6789", "+5491123456789")] // Argentina mobile
    [InlineData("+244 923 456 789", "+244923456789")]  // Angola
    public void Parses_brazilian_numbers_to_e164(string input, string expected)
    {
        Assert.True(Phone.TryParse(input, out var p));
        Assert.Equal(expected, p.E164);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("abc")]
    [InlineData("119999900011")]      // 12 digits, not starting with 55
    [InlineData("999990001")]         // no DDD
    [InlineData("+1 (11) 99999-0001")] // other country
    [InlineData("+5511999990001x")]
    [InlineData("1088887777")]        // DDD 10 does not exist
    [InlineData("11899990001")]       // 9-digit mobile must start with 9
    [InlineData("1193334444")]        // 8-digit landline must start with 2–5
    [InlineData("11 9999 0001 23")]
    [InlineData("55+11999990001")]
    [InlineData("351912345678")]        // abroad only with its +
    [InlineData("+351 91234567")]       // Portugal has 9 national digits
    [InlineData("+1 015 555 0123")]     // NANP area codes never start with 0 or 1
    [InlineData("+999 123456789")]      // no such country code
    [InlineData("+0 123456789")]
    [InlineData("+55 11 9999")]         // +55 is always Brazil's plan
    public void Rejects_anything_else(string? input) => Assert.False(Phone.TryParse(input, out _));

    [Theory]
    [InlineData("553187512345", "+5531987512345")]   // mobile JID without the ninth digit
    [InlineData("5531987512345", "+5531987512345")]
    [InlineData("553133334444", "+553133334444")]    // a landline keeps its 8 digits
    [InlineData("351912345678", "+351912345678")]
    [InlineData("5215512345678", "+5215512345678")]  // Mexico: WhatsApp keeps the mobile 1
    public void WhatsApp_jids(string jid, string e164)
    {
        Assert.True(Phone.TryParseWhatsApp(jid, out var p));
        Assert.Equal(e164, p.E164);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5511abc")]
    [InlineData("123")]
    [InlineData("99912345678")]      // no such country code
    [InlineData("55119999")]         // +55 keeps Brazil's plan
    public void WhatsApp_jids_that_are_not_numbers(string jid) => Assert.False(Phone.TryParseWhatsApp(jid, out _));

    [Fact]
    public void Ddd_and_mask()
    {
        var p = Phone.Parse("11999990001");
        Assert.Equal(11, p.Ddd);
        Assert.Equal("+55 11 ****-0001", p.Masked);
        var abroad = Phone.Parse("+351 912 345 678");
        Assert.Equal((false, (int?)null, "+351 ****-5678"), (abroad.IsBrazilian, abroad.Ddd, abroad.Masked));
        Assert.False(Phone.TryParseBrazilian("+351 912 345 678", out _));
    }
}
