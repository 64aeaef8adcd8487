using Julia.Domain.Meta;
using Julia.Domain.Selection;

namespace Julia.Domain.Tests;

/// <summary>Meta's 24-hour window (per chip and doctor, from the doctor's message time) at its edges, and what may go on a chip.</summary>
public class ServiceWindowTests
{
    static readonly DateTimeOffset Wrote = new(2026, 12, 7, 14, 30, 0, TimeSpan.Zero);
    static readonly DateTimeOffset Closes = Wrote + TimeSpan.FromHours(24) - ServiceWindow.Margin;

    [Fact]
    public void Open_until_the_margin_before_24_hours_then_closed()
    {
        Assert.True(ServiceWindow.IsOpen(Wrote, Wrote));
        Assert.True(ServiceWindow.IsOpen(Wrote, Closes - TimeSpan.FromTicks(1)));
        Assert.False(ServiceWindow.IsOpen(Wrote, Closes));
        Assert.False(ServiceWindow.IsOpen(Wrote, Closes + TimeSpan.FromTicks(1)));
        Assert.False(ServiceWindow.IsOpen(Wrote, Wrote + TimeSpan.FromHours(24)));
        Assert.False(ServiceWindow.IsOpen(Wrote, Wrote + TimeSpan.FromHours(24) + TimeSpan.FromTicks(1)));
        Assert.False(ServiceWindow.IsOpen(Wrote, Wrote + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1))); // inside the margin
    }

    [Fact]
    public void Never_written_is_closed()
    {
        Assert.False(ServiceWindow.IsOpen(null, Wrote));
    }

    [Fact]
    public void A_clock_jump_forward_closes_it_and_one_back_keeps_it_open()
    {
        Assert.False(ServiceWindow.IsOpen(Wrote, Wrote + TimeSpan.FromDays(3)));
        Assert.True(ServiceWindow.IsOpen(Wrote, Wrote - TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_late_message_never_shortens_the_window()
    {
        Assert.Equal(Wrote, ServiceWindow.Latest(Wrote, Wrote - TimeSpan.FromHours(1)));
        Assert.Equal(Wrote + TimeSpan.FromHours(1), ServiceWindow.Latest(Wrote, Wrote + TimeSpan.FromHours(1)));
        Assert.Equal(Wrote, ServiceWindow.Latest(null, Wrote));
    }

    [Theory]
    [InlineData(false, false, false, SendForm.Text)]  // Evolution: no window
    [InlineData(false, false, true, SendForm.Text)]
    [InlineData(true, true, false, SendForm.Text)]    // Meta inside the window: free text, even with a template
    [InlineData(true, true, true, SendForm.Text)]
    [InlineData(true, false, true, SendForm.Template)] // Meta outside: the template
    [InlineData(true, false, false, null)]             // Meta outside, no template: nothing (template_required)
    public void What_goes_on_a_chip(bool meta, bool open, bool hasTemplate, SendForm? expected)
    {
        var now = open ? Closes - TimeSpan.FromTicks(1) : Closes;
        Assert.Equal(expected, MetaSendRule.On(meta, Wrote, hasTemplate, now));
    }

    [Fact]
    public void Stop_promotions_refuses_business_marketing_only()
    {
        var stopped = Wrote;
        Assert.Equal(RefusalCodes.MarketingOptedOut, MetaSendRule.MarketingRefusal(MessageKind.Followup, "MARKETING", stopped)?.Code);
        Assert.Equal(RefusalCodes.MarketingOptedOut, MetaSendRule.MarketingRefusal(MessageKind.Prospecting, "MARKETING", stopped)?.Code);
        Assert.Null(MetaSendRule.MarketingRefusal(MessageKind.Reply, "MARKETING", stopped));
        Assert.Null(MetaSendRule.MarketingRefusal(MessageKind.Followup, "UTILITY", stopped));
        Assert.Null(MetaSendRule.MarketingRefusal(MessageKind.Followup, null, stopped));
        Assert.Null(MetaSendRule.MarketingRefusal(MessageKind.Followup, "MARKETING", null));
    }

    [Fact]
    public void New_template_codes_block_and_the_portfolio_limit_waits()
    {
        Assert.All([RefusalCodes.TemplateRequired, RefusalCodes.TemplateNotApproved, RefusalCodes.MarketingOptedOut],
            c => Assert.True(RefusalCodes.IsAboutContact(c)));
        Assert.False(RefusalCodes.IsAboutContact(RefusalCodes.PortfolioLimit));
    }
}
