using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Julia.Server.ConsoleWeb;

/// <summary>Console roles, weakest first: a viewer reads, an operator acts, an admin also edits settings and sees the cluster.</summary>
public static class ConsoleRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly string[] All = [Viewer, Operator, Admin];

    public static int Rank(string? role) => Array.IndexOf(All, role);

    /// <summary>Whether <paramref name="role"/> is at least <paramref name="needed"/>.</summary>
    public static bool AtLeast(string? role, string needed) => Rank(role) >= Rank(needed) && Rank(needed) >= 0;
}

public sealed record ConsoleUser(long Id, string Email, string Name, string Role, string PasswordHash, int FailedAttempts,
                                 DateTimeOffset? LockedUntil, Guid SecurityStamp);

/// <summary>What a sign-in attempt came to; <see cref="LockedUntil"/> is set when the account is (now) locked.</summary>
public sealed record SignInResult(ConsoleUser? User, DateTimeOffset? LockedUntil);

/// <summary>
/// The console's users (table <c>users</c>). Passwords are hashed with ASP.NET Core Identity's hasher (PBKDF2,
/// HMAC-SHA512, 100,000 iterations, per-user salt). Five wrong passwords in a row lock the account for 15 minutes;
/// while locked, no password is even checked, so guessing goes nowhere.
/// </summary>
public sealed class UserStore(NpgsqlDataSource db)
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutFor = TimeSpan.FromMinutes(15);
    static readonly PasswordHasher<ConsoleUser> Hasher = new();
    // Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
    static readonly string DummyHash = Hasher.HashPassword(null!, "no such user");

    const string Columns = "id, email, name, role, password_hash, failed_attempts, locked_until, security_stamp";

    // Insert or, for an existing address, replace name, role and password; the new stamp ends the old sessions.
    const string UpsertSql = $"""
        INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
        VALUES (@email, @name, @role, @hash, @now, @now)
        ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash,
            failed_attempts = 0, locked_until = NULL, security_stamp = gen_random_uuid(), updated_at = excluded.updated_at
        RETURNING {Columns}
        """;

    const string ByEmailSql = $"SELECT {Columns} FROM users WHERE lower(email) = lower(@email)";
    const string ByIdSql = $"SELECT {Columns} FROM users WHERE id = @id";

    // One statement per wrong password, so two concurrent guesses both count; the fifth locks and starts the count again.
    const string FailedSql = """
        UPDATE users SET
            failed_attempts = CASE WHEN failed_attempts + 1 >= @max THEN 0 ELSE failed_attempts + 1 END,
            locked_until    = CASE WHEN failed_attempts + 1 >= @max THEN @until ELSE locked_until END
        WHERE id = @id
        RETURNING CASE WHEN failed_attempts = 0 THEN locked_until END
        """;

    const string SucceededSql = "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = @now WHERE id = @id";

    public static string Normalise(string email) => email.Trim();

    public async Task<ConsoleUser> CreateAsync(string email, string name, string role, string password, DateTimeOffset now, CancellationToken ct)
    {
        if (!ConsoleRoles.All.Contains(role)) throw new ArgumentException("role must be viewer, operator or admin", nameof(role));
        await using var cmd = db.CreateCommand(UpsertSql);
        cmd.Parameters.AddWithValue("email", Normalise(email));
        cmd.Parameters.AddWithValue("name", name.Trim());
        cmd.Parameters.AddWithValue("role", role);
        cmd.Parameters.AddWithValue("hash", Hasher.HashPassword(null!, password));
        cmd.Parameters.AddWithValue("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return Read(r);
    }

    public async Task<ConsoleUser?> FindAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ByIdSql);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<SignInResult> SignInAsync(string email, string password, DateTimeOffset now, CancellationToken ct)
    {
        ConsoleUser? user;
        await using (var cmd = db.CreateCommand(ByEmailSql))
        {
            cmd.Parameters.AddWithValue("email", Normalise(email));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            user = await r.ReadAsync(ct) ? Read(r) : null;
        }
        if (user is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return new SignInResult(null, null);
        }
        if (user.LockedUntil > now) return new SignInResult(null, user.LockedUntil);

        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            await using var cmd = db.CreateCommand(FailedSql);
            cmd.Parameters.AddWithValue("id", user.Id);
            cmd.Parameters.AddWithValue("max", MaxFailedAttempts);
            cmd.Parameters.AddWithValue("until", now + LockoutFor);
            var locked = await cmd.ExecuteScalarAsync(ct);
            return new SignInResult(null, locked is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : locked as DateTimeOffset?);
        }
        await using (var cmd = db.CreateCommand(SucceededSql))
        {
            cmd.Parameters.AddWithValue("id", user.Id);
            cmd.Parameters.AddWithValue("now", now);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new SignInResult(user, null);
    }

    static ConsoleUser Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetInt32(5), r.IsDBNull(6) ? null : new DateTimeOffset(r.GetDateTime(6), TimeSpan.Zero), r.GetGuid(7));
}
