using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace PbiPreflight
{
    /// <summary>How the preflight signs in: one subclass per kind of credential admins and runbooks use.</summary>
    public abstract class PreflightCredential
    {
        private protected PreflightCredential()
        {
        }

        /// <summary>The kind, as results and reports name it: a stable word such as <c>ClientSecret</c>.</summary>
        public abstract string Kind { get; }

        /// <summary>What the kind signs in with, as a sentence names it: "a client secret".</summary>
        public abstract string SignsInWith { get; }

        /// <summary>True when the token is a user's (delegated), false when it is the app's own.</summary>
        public virtual bool IsDelegated => false;

        /// <summary>True when the credential needs an application (client) id.</summary>
        public virtual bool NeedsClientId => true;
    }

    /// <summary>A service principal with a client secret's value.</summary>
    public sealed class ClientSecretCredential : PreflightCredential
    {
        /// <summary>Wraps the secret's value; it stays a <see cref="SecureString"/> until the token request.</summary>
        public ClientSecretCredential(SecureString? secret)
        {
            Secret = secret;
        }

        /// <summary>The secret's value.</summary>
        public SecureString? Secret { get; }

        /// <inheritdoc />
        public override string Kind => "ClientSecret";

        /// <inheritdoc />
        public override string SignsInWith => "a client secret";
    }

    /// <summary>
    /// A service principal with a certificate: an object, a thumbprint in the certificate store, or a PFX or PEM
    /// file. The engine loads it before any network call and refuses one it cannot sign with.
    /// </summary>
    public sealed class CertificateCredential : PreflightCredential
    {
        /// <summary>A certificate given as an object, with its private key.</summary>
        public X509Certificate2? Certificate { get; set; }

        /// <summary>The thumbprint of a certificate in the current user's (then the machine's) My store.</summary>
        public string? Thumbprint { get; set; }

        /// <summary>A PFX (PKCS#12) file, or a PEM file holding the certificate and its private key.</summary>
        public string? Path { get; set; }

        /// <summary>The password of <see cref="Path"/>, when it has one.</summary>
        public SecureString? Password { get; set; }

        /// <summary>Sends the certificate chain (<c>x5c</c>) for subject-name/issuer authentication.</summary>
        public bool SendCertificateChain { get; set; }

        /// <summary>Days before the certificate's end from which the preflight warns.</summary>
        public int ExpiryWarningDays { get; set; } = 30;

        /// <inheritdoc />
        public override string Kind => "Certificate";

        /// <inheritdoc />
        public override string SignsInWith => "a certificate";
    }

    /// <summary>A user's name and password (resource owner password credentials), through a public client.</summary>
    public sealed class UserPasswordCredential : PreflightCredential
    {
        /// <summary>Wraps the user's name and password.</summary>
        public UserPasswordCredential(string userName, SecureString? password)
        {
            // Spaces or a line break around a name pasted from elsewhere are never part of it, and MSAL would
            // send them into its realm lookup.
            UserName = userName?.Trim() ?? string.Empty;
            Password = password;
        }

        /// <summary>The user principal name.</summary>
        public string UserName { get; }

        /// <summary>The user's password.</summary>
        public SecureString? Password { get; }

        /// <inheritdoc />
        public override string Kind => "UserPassword";

        /// <inheritdoc />
        public override string SignsInWith => "a user name and password";

        /// <inheritdoc />
        public override bool IsDelegated => true;
    }

    /// <summary>An admin at a terminal signs in on another device with a code.</summary>
    public sealed class DeviceCodeCredential : PreflightCredential
    {
        /// <inheritdoc />
        public override string Kind => "DeviceCode";

        /// <inheritdoc />
        public override string SignsInWith => "a device code";

        /// <inheritdoc />
        public override bool IsDelegated => true;
    }

    /// <summary>
    /// The managed identity of the Azure resource the preflight runs on: system-assigned, or user-assigned when a
    /// client id is given.
    /// </summary>
    public sealed class ManagedIdentityCredential : PreflightCredential
    {
        /// <inheritdoc />
        public override string Kind => "ManagedIdentity";

        /// <inheritdoc />
        public override string SignsInWith => "a managed identity";

        /// <inheritdoc />
        public override bool NeedsClientId => false;
    }

    /// <summary>
    /// Workload identity federation: a token from another issuer (GitHub Actions, Azure DevOps, Kubernetes) sent
    /// as the client assertion. It comes as a value, from a file read at each token request, or from the GitHub
    /// Actions runner when neither is given there.
    /// </summary>
    public sealed class FederatedTokenCredential : PreflightCredential
    {
        /// <summary>The external token itself.</summary>
        public SecureString? Token { get; set; }

        /// <summary>A file holding the external token, as Kubernetes projects it.</summary>
        public string? TokenFile { get; set; }

        /// <inheritdoc />
        public override string Kind => "FederatedToken";

        /// <inheritdoc />
        public override string SignsInWith => "a federated token";
    }

    /// <summary>
    /// An access token the caller already holds; the preflight inspects it instead of asking for one.
    /// </summary>
    public sealed class AccessTokenCredential : PreflightCredential
    {
        /// <summary>Wraps the token.</summary>
        public AccessTokenCredential(SecureString? token)
        {
            Token = token;
        }

        /// <summary>
        /// The token as it goes on the wire: without surrounding whitespace or a leading <c>Bearer</c> and the
        /// whitespace after it, as an Authorization header's value would carry it. Empty when nothing is left.
        /// </summary>
        internal static string WithoutBearerPrefix(string token)
        {
            var trimmed = token.Trim();
            const string prefix = "Bearer";
            var hasPrefix = trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
                (trimmed.Length == prefix.Length || char.IsWhiteSpace(trimmed[prefix.Length]));
            return hasPrefix ? trimmed.Substring(prefix.Length).Trim() : trimmed;
        }

        /// <summary>The access token for the Power BI API.</summary>
        public SecureString? Token { get; }

        /// <inheritdoc />
        public override string Kind => "AccessToken";

        /// <inheritdoc />
        public override string SignsInWith => "an access token";

        /// <inheritdoc />
        public override bool NeedsClientId => false;
    }
}
