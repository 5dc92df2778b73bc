using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The external side of workload identity federation: the GitHub Actions runner's OIDC token
/// endpoint (api-facts §11.1) and a control route that signs any other external token, both with the
/// emulator's federation key, which the token endpoint trusts.
/// </summary>
public sealed class WorkloadIdentityEndpoints(
    TenantDirectory tenants, FederationIssuer federation, TimeProvider clock)
{
    /// <summary>The issuer of GitHub Actions id tokens.</summary>
    public const string GitHubIssuer = "https://token.actions.githubusercontent.com";

    /// <summary>The runner's token route; the ready line gives it with its query.</summary>
    public const string GitHubPath = "/_apis/actions/idtoken";

    /// <summary>The bearer token the runner's endpoint wants (ACTIONS_ID_TOKEN_REQUEST_TOKEN).</summary>
    public string RequestToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    /// <summary>Adds the routes.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(GitHubPath, GitHubTokenAsync);
        routes.MapPost(EmulatorPaths.ControlPrefix + "/federated-token", MintAsync);
    }

    /// <summary>The token written to the federated token file, signed as of <paramref name="now"/>.</summary>
    public string FileToken(FederatedTokenDefinition definition, DateTimeOffset now)
    {
        return federation.Mint(
            definition.Issuer, definition.Subject, definition.Audience, now, definition.LifetimeSeconds);
    }

    private Task GitHubTokenAsync(HttpContext context)
    {
        var definition = tenants.Primary.Model.GitHubActions;
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        if (definition is null)
        {
            return HttpJson.NotFoundAsync(context);
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        if (!CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(RequestToken)))
        {
            return HttpJson.WriteAsync(context, StatusCodes.Status401Unauthorized,
                new JsonObject { ["message"] = "Unable to authenticate the request." });
        }

        // GitHub's default audience is the URL of the repository owner.
        var repository = RepositoryOf(definition.Subject);
        var owner = repository.Split('/')[0];
        var audience = context.Request.Query["audience"].ToString();
        if (audience.Length == 0)
        {
            audience = $"https://github.com/{owner}";
        }

        var subjectParts = definition.Subject.Split(':');
        var claims = new JsonObject
        {
            ["repository"] = repository,
            ["repository_owner"] = owner,
            ["ref"] = subjectParts.Length > 3 && subjectParts[2] == "ref" ? subjectParts[3] : null,
            ["runner_environment"] = "github-hosted",
        };
        var token = federation.Mint(
            GitHubIssuer, definition.Subject, audience, clock.GetUtcNow(), definition.LifetimeSeconds, claims);
        var answer = new JsonObject { ["count"] = 1, ["value"] = token };
        return HttpJson.WriteAsync(context, StatusCodes.Status200OK, answer);
    }

    private async Task MintAsync(HttpContext context)
    {
        JsonObject? request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)
                as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        var issuer = request is null ? null : JwtText.String(request, "issuer");
        var subject = request is null ? null : JwtText.String(request, "subject");
        if (issuer is null || subject is null)
        {
            await HttpJson.WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject
            {
                ["error"] = "Send {\"issuer\", \"subject\", \"audience\", \"lifetimeSeconds\"}; "
                    + "issuer and subject are required.",
            });
            return;
        }

        var audience = JwtText.String(request!, "audience") ?? FederatedCredential.EntraAudience;
        var lifetime = (int)(JwtText.Seconds(request!, "lifetimeSeconds") ?? 600);
        var token = federation.Mint(issuer, subject, audience, clock.GetUtcNow(), lifetime);
        await HttpJson.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["token"] = token });
    }

    private static string RepositoryOf(string subject)
    {
        // "repo:<owner>/<repo>:..." is the documented subject shape.
        var parts = subject.Split(':');
        return parts.Length > 1 && parts[0] == "repo" ? parts[1] : "contoso/unknown";
    }
}
