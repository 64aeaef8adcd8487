using Julia.Domain.Contacts;

namespace Julia.Domain.Tests;

public class KeywordEffectTests
{
    [Theory]
    [InlineData(KeywordIntent.OptOut, false, true, false, KeywordEffect.OptOutConfirmation, "opt_out")]
    [InlineData(KeywordIntent.OptOut, true, true, false, KeywordEffect.OptOutConfirmation, "opt_out")] // said again: applied and confirmed again
    [InlineData(KeywordIntent.OptIn, true, false, true, KeywordEffect.OptInConfirmation, "opt_in")]
    [InlineData(KeywordIntent.OptIn, false, false, false, null, "opt_in")] // nothing to undo: no confirmation either
    [InlineData(KeywordIntent.Help, false, false, false, KeywordEffect.HelpReply, "help")]
    [InlineData(KeywordIntent.Help, true, false, false, KeywordEffect.HelpReply, "help")]
    [InlineData(KeywordIntent.None, false, false, false, null, "none")]
    [InlineData(KeywordIntent.None, true, false, false, null, "none")] // a message alone never opts anyone back in
    public void Each_keyword_does_what_it_says(KeywordIntent intent, bool optedOut, bool optOut, bool optIn, string? reply, string name)
    {
        var e = KeywordEffect.Of(intent, optedOut);
        Assert.Equal((intent, optOut, optIn, reply, name), (e.Intent, e.OptOut, e.OptIn, e.Reply, e.IntentName));
    }

    [Theory]
    [InlineData(KeywordEffect.OptOutConfirmation, "VOLTAR", KeywordIntent.OptIn)]
    [InlineData(KeywordEffect.OptInConfirmation, "PARE", KeywordIntent.OptOut)]
    [InlineData(KeywordEffect.HelpReply, Keywords.OptOutWord, KeywordIntent.OptOut)]
    public void Each_reply_names_a_word_that_works(string reply, string word, KeywordIntent intent)
    {
        Assert.Contains(word, reply);
        Assert.Equal(intent, Keywords.Detect(word));
    }

    [Fact]
    public void A_reply_fits_the_window_the_contact_opened_and_is_keyed_by_the_message() =>
        Assert.Equal((true, "keyword-reply:42"), (KeywordEffect.ReplyValidity < TimeSpan.FromHours(24), KeywordEffect.ReplyKey(42)));
}
