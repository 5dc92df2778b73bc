using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>Where a device code stands when the client polls.</summary>
public enum DeviceCodeState
{
    /// <summary>Nobody has signed in yet.</summary>
    Pending,

    /// <summary>The user signed in and approved; the token may be issued (once).</summary>
    Approved,

    /// <summary>The user declined.</summary>
    Declined,

    /// <summary>The code's lifetime has passed.</summary>
    Expired,

    /// <summary>A token was already issued for it.</summary>
    Redeemed,
}

/// <summary>A device code handed out by <c>/devicecode</c>.</summary>
/// <param name="DeviceCode">The secret code the client polls with.</param>
/// <param name="UserCode">The code the user types at the browser.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="App">The public client app.</param>
/// <param name="User">Who will sign in at the browser.</param>
/// <param name="Resource">The resource of the requested scopes.</param>
/// <param name="Scopes">The requested permission names.</param>
/// <param name="OpenIdScopes">The OpenID scopes requested alongside.</param>
/// <param name="Created">When it was handed out.</param>
public sealed record PendingDeviceCode(
    string DeviceCode,
    string UserCode,
    EmulatedTenant Tenant,
    AppRegistration App,
    UserAccount User,
    string Resource,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> OpenIdScopes,
    DateTimeOffset Created)
{
    /// <summary>Set once the token has been issued.</summary>
    public int Redeemed;
}

/// <summary>
/// The device authorization endpoint and the device codes it handed out. Nobody visits a browser:
/// the scenario's <c>deviceCode</c> says who signs in, when, and whether they approve.
/// </summary>
public sealed class DeviceCodes(TenantDirectory tenants, TimeProvider clock)
{
    /// <summary>Where the user is sent, as Entra says it.</summary>
    public const string VerificationUri = "https://microsoft.com/devicelogin";

    // User codes avoid letters that are easy to mistake for digits, as Entra's do.
    private const string UserCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ";

    private readonly ConcurrentDictionary<string, PendingDeviceCode> _codes = new(StringComparer.Ordinal);

    /// <summary>Adds the device authorization route.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{tenant}/oauth2/v2.0/devicecode", HandleAsync);
    }

    /// <summary>A handed-out code, or null.</summary>
    public PendingDeviceCode? Find(string deviceCode)
    {
        return _codes.GetValueOrDefault(deviceCode);
    }

    /// <summary>
    /// Where the code stands now. Approval is taken (and the code spent) by the first poll that finds
    /// it approved.
    /// </summary>
    public DeviceCodeState Poll(PendingDeviceCode code, DateTimeOffset now)
    {
        var behaviour = code.Tenant.Model.DeviceCode;
        var elapsed = now - code.Created;
        if (Volatile.Read(ref code.Redeemed) != 0)
        {
            return DeviceCodeState.Redeemed;
        }

        if (elapsed >= TimeSpan.FromSeconds(behaviour.ExpiresInSeconds))
        {
            return DeviceCodeState.Expired;
        }

        if (behaviour.Outcome == DeviceCodeOutcomes.Expire
            || elapsed < TimeSpan.FromMilliseconds(behaviour.ApproveAfterMs))
        {
            return DeviceCodeState.Pending;
        }

        if (behaviour.Outcome == DeviceCodeOutcomes.Decline)
        {
            return DeviceCodeState.Declined;
        }

        return Interlocked.Exchange(ref code.Redeemed, 1) == 0 ? DeviceCodeState.Approved : DeviceCodeState.Redeemed;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = clock.GetUtcNow();
        var segment = (string)context.GetRouteValue("tenant")!;
        var form = context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted)
            : FormCollection.Empty;

        var tenant = tenants.FindServed(segment);
        if (tenant is null && !segment.Equals("organizations", StringComparison.OrdinalIgnoreCase))
        {
            await EntraError.BadRequest("invalid_request", 90002,
                    $"Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing "
                    + "into the correct cloud.")
                .WriteAsync(context, now);
            return;
        }

        var clientId = form["client_id"].ToString();
        if (clientId.Length == 0)
        {
            await MissingAsync(context, "client_id", now);
            return;
        }

        var scope = form["scope"].ToString();
        var scopeRefusal = TokenEndpoint.ParseDelegatedScopes(scope, out var resource, out var names);
        if (scopeRefusal is not null)
        {
            await scopeRefusal.WriteAsync(context, now);
            return;
        }

        // Through "organizations" the user who will sign in decides the tenant: the one holding the app.
        tenant ??= tenants.All.FirstOrDefault(t => t.FindApp(clientId) is not null) ?? tenants.Primary;
        var app = tenant.FindApp(clientId);
        if (app is null)
        {
            await EntraError.BadRequest("unauthorized_client", 700016,
                    $"Application with identifier '{clientId}' was not found in the directory '{tenant.TenantId}'.")
                .WriteAsync(context, now);
            return;
        }

        var behaviour = tenant.Model.DeviceCode;
        var user = behaviour.User is null ? tenant.Model.Users.FirstOrDefault() : tenant.FindUser(behaviour.User);
        if (user is null)
        {
            // The scenario validation makes sure a device code scenario names a user; without users the
            // sign-in at the browser can only fail.
            await EntraError.BadRequest("invalid_grant", 50034,
                    $"The user account {{EUII Hidden}} does not exist in the {tenant.TenantId} directory.")
                .WriteAsync(context, now);
            return;
        }

        var openId = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s is "openid" or "profile" or "offline_access" or "email")
            .ToList();
        var code = new PendingDeviceCode(
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            RandomNumberGenerator.GetString(UserCodeAlphabet, 9),
            tenant,
            app,
            user,
            resource!.TrimEnd('/'),
            names,
            openId,
            now);
        _codes[code.DeviceCode] = code;

        var body = new JsonObject
        {
            ["user_code"] = code.UserCode,
            ["device_code"] = code.DeviceCode,
            ["verification_uri"] = VerificationUri,
            ["expires_in"] = behaviour.ExpiresInSeconds,
            ["interval"] = behaviour.IntervalSeconds,
            ["message"] = $"To sign in, use a web browser to open the page {VerificationUri} and enter the code "
                + $"{code.UserCode} to authenticate.",
        };
        EntraError.AddCommonHeaders(context, Guid.NewGuid().ToString());
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    private static Task MissingAsync(HttpContext context, string name, DateTimeOffset now)
    {
        return EntraError.BadRequest("invalid_request", 900144,
                $"The request body must contain the following parameter: '{name}'.")
            .WriteAsync(context, now);
    }
}
