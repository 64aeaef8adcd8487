using Julia.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Julia.Server.ConsoleWeb.Pages;

/// <summary>
/// What every console page shares: the signed-in user's role, the rule that a POST needs at least
/// <see cref="PostRole"/> (a viewer's forged form gets 403 whatever the page), and the flash message that
/// reports an action's outcome with the API's problem code.
/// </summary>
public abstract class ConsolePage : PageModel
{
    /// <summary>The weakest role that may POST to this page.</summary>
    protected virtual string PostRole => ConsoleRoles.Operator;

    public string? Role => User.Role();
    public bool CanAct => ConsoleRoles.AtLeast(Role, ConsoleRoles.Operator);
    public bool IsAdmin => ConsoleRoles.AtLeast(Role, ConsoleRoles.Admin);

    [TempData] public string? Flash { get; set; }
    [TempData] public string? FlashError { get; set; }

    public DateTimeOffset UtcNow => Now;

    protected DateTimeOffset Now => HttpContext.RequestServices.GetRequiredService<Clock>().GetUtcNow();

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method)
            && !ConsoleRoles.AtLeast(Role, PostRole))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }
        await next();
    }

    /// <summary>
    /// Reports what an API handler answered: its success message, or the problem's code and detail, exactly as
    /// the API would have said it. Then back to the page (post/redirect/get).
    /// </summary>
    protected IActionResult Report(IResult result, string success, string? page = null, object? route = null)
    {
        if (Problem(result) is { } problem) FlashError = problem;
        else Flash = success;
        return page is null ? RedirectToPage(route) : RedirectToPage(page, route);
    }

    /// <summary>"code: detail" when the handler answered a problem; null when it succeeded.</summary>
    public static string? Problem(IResult result) =>
        (result is INestedHttpResult nested ? nested.Result : result) is ProblemHttpResult p
            ? $"{(p.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code : p.StatusCode)}: {p.ProblemDetails.Detail ?? p.ProblemDetails.Title}"
            : null;

    /// <summary>An error shown on this render only (a form kept as typed).</summary>
    public string? PageError { get; set; }
}
