using Julia.Storage.Conversations;
using Julia.Storage.Meta;
using Npgsql;

namespace Julia.Storage.Tests.Conversations;

/// <summary>A contact's Meta windows as a grain reads them when it activates: Meta's 131047 verdict outlives the grain.</summary>
public class MetaWindowStateTests
{
    const string Doctor = "+5511987654321";

    static Task Wrote(NpgsqlDataSource db, long chip, string id, DateTimeOffset at) => Sql.Exec(db, """
        INSERT INTO inbound (chip_id, contact, provider_message_id, intent, sent_at, received_at, forward_next_at, forward_status)
        VALUES (@chip, @contact, @id, 'none', @at, @at, @at, 'disabled')
        """, ("chip", chip), ("contact", Doctor), ("id", id), ("at", at));

    [Fact]
    public async Task A_closed_window_stays_closed_on_activation_until_the_doctor_writes_after_it()
    {
        var cs = await TestPostgres.CreateDatabaseAsync("meta_window_state");
        await using var db = NpgsqlDataSource.Create(cs);
        var now = new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero); // midnight in São Paulo
        var (a, b) = (await Seed.ChipAsync(db, now), await Seed.ChipAsync(db, now));
        await Wrote(db, a, "wamid.A1", now.AddHours(-2));
        await Wrote(db, b, "wamid.B1", now.AddHours(-2));
        var store = new ConversationStore(db);
        Assert.Equal([a, b], (await store.StateAsync(Doctor, now, default)).MetaWindows.Keys.Order());

        // Meta failed a text on chip a with 131047 an hour ago: chip a's window is closed, chip b's is not.
        await new MetaContactStore(db).CloseWindowAsync(Doctor, a, now.AddHours(-1), default);
        Assert.Equal([b], (await store.StateAsync(Doctor, now, default)).MetaWindows.Keys);

        // An earlier verdict delivered late does not move it back; the doctor's next message opens the window again.
        await new MetaContactStore(db).CloseWindowAsync(Doctor, a, now.AddHours(-3), default);
        Assert.Equal([b], (await store.StateAsync(Doctor, now, default)).MetaWindows.Keys);
        await Wrote(db, a, "wamid.A2", now.AddMinutes(-5));
        var windows = (await store.StateAsync(Doctor, now, default)).MetaWindows;
        Assert.Equal(now.AddMinutes(-5), windows[a]);
    }
}
