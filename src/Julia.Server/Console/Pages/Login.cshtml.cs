using Julia.Grains;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Julia.Server.ConsoleWeb.Pages;

public sealed class LoginModel(UserStore users, Clock time, ILogger<LoginModel> log) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password) || Email.Length > 200 || Password.Length > 200)
        {
            Error = "Informe e-mail e senha.";
            return Page();
        }
        var now = time.GetUtcNow();
        var result = await users.SignInAsync(Email, Password, now, ct);
        if (result.User is not { } user)
        {
            // Only the outcome is logged: neither the password nor whether the address exists.
            if (result.LockedUntil is null) log.LogWarning("Console sign-in refused");
            else log.LogWarning("Console sign-in refused: the account is locked");
            Error = result.LockedUntil is { } until
                ? $"Conta bloqueada por excesso de tentativas. Tente novamente após {Format.Time(until)}."
                : "E-mail ou senha incorretos.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(ConsoleAuth.Scheme, ConsoleAuth.Principal(user), new AuthenticationProperties { IssuedUtc = now });
        return LocalRedirect(ReturnUrl is { } r && Url.IsLocalUrl(r) && r.StartsWith("/console", StringComparison.Ordinal) ? r : "/console");
    }
}
