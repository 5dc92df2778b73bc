namespace PbiPreflight.Emulator;

/// <summary>
/// How a token request asked, for the request log: the grant and the kind of client authentication, never a value.
/// Tests read it to tell a client-credentials request from a password one, and a certificate assertion that
/// carries its chain (x5c) from one that does not, which the path alone cannot show.
/// </summary>
/// <param name="GrantType">The <c>grant_type</c> as sent; empty when none was.</param>
/// <param name="ClientAuthentication">
/// <c>none</c>, <c>secret</c> (form or HTTP Basic), <c>certificate</c> (an assertion the client issued itself),
/// <c>certificate-x5c</c> (the same with its certificate in <c>x5c</c>), <c>external-token</c> (somebody else's
/// token: federation) or <c>unreadable-assertion</c>.
/// </param>
public sealed record TokenRequestShape(string GrantType, string ClientAuthentication)
{
    /// <summary>Reads the shape from the form and the Authorization header.</summary>
    public static TokenRequestShape Of(HttpContext context, IFormCollection form)
    {
        var grantType = form["grant_type"].ToString();
        var assertion = form["client_assertion"].ToString();
        if (assertion.Length > 0)
        {
            return new TokenRequestShape(grantType, AssertionKind(assertion, form["client_id"].ToString()));
        }

        var basic = context.Request.Headers.Authorization.ToString()
            .StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        var clientAuthentication = form["client_secret"].ToString().Length > 0 || basic ? "secret" : "none";
        return new TokenRequestShape(grantType, clientAuthentication);
    }

    private static string AssertionKind(string assertion, string clientId)
    {
        if (!JwtText.TryRead(assertion, out var jwt))
        {
            return "unreadable-assertion";
        }

        // The same rule as ClientAssertions: a client's own assertion names the client as its issuer.
        if (JwtText.String(jwt.Payload, "iss") != clientId)
        {
            return "external-token";
        }

        return jwt.Header.ContainsKey("x5c") ? "certificate-x5c" : "certificate";
    }
}
