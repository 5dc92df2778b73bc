using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>
/// The external identity provider the emulator plays for workload identity federation: the GitHub
/// Actions OIDC issuer and any other issuer a test names. Its key is not the token endpoint's, so a
/// token Entra issued is not an external token, and the key is made at start-up like the other.
/// </summary>
public sealed class FederationIssuer : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    /// <summary>The key id in every header it signs.</summary>
    public string KeyId { get; } = "federation-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// Signs an external token. A negative <paramref name="lifetimeSeconds"/> gives a token that
    /// expired that long ago, having lived ten minutes.
    /// </summary>
    public string Mint(
        string issuer, string subject, string audience, DateTimeOffset now, int lifetimeSeconds,
        JsonObject? extraClaims = null)
    {
        var start = lifetimeSeconds >= 0 ? now : now.AddSeconds(lifetimeSeconds - 600);
        var end = lifetimeSeconds >= 0 ? now.AddSeconds(lifetimeSeconds) : now.AddSeconds(lifetimeSeconds);
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = start.ToUnixTimeSeconds(),
            ["nbf"] = start.ToUnixTimeSeconds(),
            ["exp"] = end.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        };

        foreach (var (name, value) in extraClaims ?? [])
        {
            payload[name] = value?.DeepClone();
        }

        return JwtText.Sign(_key, new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = KeyId }, payload);
    }

    /// <summary>True when the token was signed by this issuer.</summary>
    public bool Signed(ParsedJwt jwt)
    {
        return JwtText.String(jwt.Header, "alg") == "RS256"
            && _key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
    }
}
