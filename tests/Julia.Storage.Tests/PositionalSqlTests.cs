namespace Julia.Storage.Tests;

public class PositionalSqlTests
{
    [Fact]
    public void Names_become_positions_in_order_of_first_use()
    {
        var sql = new PositionalSql("SELECT @b::int[], x::text, @a, @b, 'it''s @not', y -- @nor\nFROM t WHERE y = @a_2 AND z @> w");
        Assert.Equal("SELECT $1::int[], x::text, $2, $1, 'it''s @not', y -- @nor\nFROM t WHERE y = $3 AND z @> w", sql.Text);
        Assert.Equal(["b", "a", "a_2"], sql.Names);
    }
}
