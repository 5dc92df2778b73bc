using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>A Power BI caller: who the bearer token speaks for and what the tenant allows it.</summary>
/// <param name="Token">The token's caller: tenant, app, user, roles and scopes.</param>
/// <param name="Access">What it may do.</param>
public sealed record PowerBiCaller(TokenCaller Token, CallerAccess Access)
{
    /// <summary>The tenant the token belongs to; every answer comes from its model.</summary>
    public EmulatedTenant Tenant => Token.Tenant;
}

/// <summary>
/// Authenticates Power BI requests from their bearer token and applies the tenant settings, and
/// writes Power BI's error bodies (api-facts §2.7).
/// </summary>
public sealed class PowerBiAccess(TenantDirectory tenants, TokenIssuer issuer, TimeProvider clock)
{
    /// <summary>
    /// Returns the caller of a request whose token is valid, or writes the refusal and returns null:
    /// 403 TokenExpired for an expired token, 401 PowerBINotAuthorizedException for anything else.
    /// </summary>
    public async Task<PowerBiCaller?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await NotAuthorizedAsync(context);
            return null;
        }

        var status = issuer.Validate(header[7..].Trim(), clock.GetUtcNow(), out var claims);
        if (status == TokenStatus.Expired)
        {
            var body = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = "TokenExpired",
                    ["message"] = "Access token has expired, resubmit with a new access token",
                },
            };
            await HttpJson.WriteAsync(context, StatusCodes.Status403Forbidden, body);
            return null;
        }

        var caller = status == TokenStatus.Valid
            ? TokenCaller.From(tenants, claims!, PowerBiResources.IsPowerBi)
            : null;
        if (caller is null)
        {
            await NotAuthorizedAsync(context);
            return null;
        }

        return new PowerBiCaller(caller, caller.PowerBiAccess());
    }

    /// <summary>Like <see cref="AuthenticateAsync"/>, but also requires read-only admin API access.</summary>
    public async Task<PowerBiCaller?> AuthenticateAdminAsync(HttpContext context)
    {
        var caller = await AuthenticateAsync(context);
        if (caller is not null && !caller.Access.ReadOnlyAdminApis)
        {
            await NotAuthorizedAsync(context);
            return null;
        }

        return caller;
    }

    /// <summary>401 PowerBINotAuthorizedException.</summary>
    public static Task NotAuthorizedAsync(HttpContext context)
    {
        var body = PbiError("PowerBINotAuthorizedException");
        return HttpJson.WriteAsync(context, StatusCodes.Status401Unauthorized, body);
    }

    /// <summary>404 PowerBIEntityNotFound.</summary>
    public static Task EntityNotFoundAsync(HttpContext context)
    {
        return HttpJson.WriteAsync(context, StatusCodes.Status404NotFound, PbiError("PowerBIEntityNotFound"));
    }

    /// <summary>400 InvalidRequest with a message.</summary>
    public static Task InvalidRequestAsync(HttpContext context, string message)
    {
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = "InvalidRequest", ["message"] = message } };
        return HttpJson.WriteAsync(context, StatusCodes.Status400BadRequest, body);
    }

    private static JsonObject PbiError(string code)
    {
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["pbi.error"] = new JsonObject
                {
                    ["code"] = code,
                    ["parameters"] = new JsonObject(),
                    ["details"] = new JsonArray(),
                    ["exceptionCulprit"] = 1,
                },
            },
        };
    }
}
