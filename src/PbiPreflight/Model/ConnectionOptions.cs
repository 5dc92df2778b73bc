using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;

namespace PbiPreflight
{
    /// <summary>
    /// Who signs in, to which tenant, in which cloud, and how long a request may take. Built and validated by the
    /// cmdlets before any network call; the secret stays a <see cref="SecureString"/> until the token request.
    /// </summary>
    public sealed class ConnectionOptions
    {
        // A DNS name with at least one dot, such as contoso.onmicrosoft.com; Entra answers anything else with
        // AADSTS900023, so it is caught here with a clearer message.
        private static readonly Regex DomainName = new Regex(
            @"^(?=.{4,253}$)([A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
            RegexOptions.CultureInvariant);

        /// <summary>
        /// Validates the values and builds the options for a client secret; throws
        /// <see cref="PreflightArgumentException"/>.
        /// </summary>
        public ConnectionOptions(
            string tenantId,
            string clientId,
            SecureString? clientSecret,
            CloudEndpoints endpoints,
            TimeSpan requestTimeout)
            : this(tenantId, clientId, new ClientSecretCredential(clientSecret), endpoints, requestTimeout)
        {
        }

        /// <summary>
        /// Validates the values and builds the options for any credential; throws
        /// <see cref="PreflightArgumentException"/>. A certificate is loaded later, by the engine.
        /// </summary>
        public ConnectionOptions(
            string tenantId,
            string? clientId,
            PreflightCredential credential,
            CloudEndpoints endpoints,
            TimeSpan requestTimeout)
        {
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
            TenantId = (tenantId ?? string.Empty).Trim();
            if (Guid.TryParse(TenantId, out var tenantGuid))
            {
                // Entra ID reads only the dashed form; braces or a bare 32-digit form would be "not found".
                TenantId = tenantGuid.ToString("D");
            }
            else if (!DomainName.IsMatch(TenantId))
            {
                throw TenantId.Length == 0
                    ? new PreflightArgumentException("MissingTenantId", "TenantId", Messages.MissingTenantId)
                    : new PreflightArgumentException(
                        "InvalidTenantId",
                        "TenantId",
                        Messages.Format(Messages.InvalidTenantId, Shorten(TenantId)));
            }

            var trimmedClientId = (clientId ?? string.Empty).Trim();
            if (Guid.TryParse(trimmedClientId, out var parsedClientId))
            {
                ClientId = parsedClientId.ToString("D");
            }
            else if (trimmedClientId.Length > 0 || credential.NeedsClientId)
            {
                throw trimmedClientId.Length == 0
                    ? new PreflightArgumentException("MissingClientId", "ClientId", Messages.MissingClientId)
                    : new PreflightArgumentException(
                        "InvalidClientId",
                        "ClientId",
                        Messages.Format(Messages.InvalidClientId, Shorten(trimmedClientId)));
            }

            ValidateCredential(credential);
            if (requestTimeout < TimeSpan.FromSeconds(1))
            {
                throw new PreflightArgumentException(
                    "InvalidTimeout",
                    "TimeoutSec",
                    Messages.Format(Messages.InvalidTimeout, "TimeoutSec", requestTimeout.TotalSeconds));
            }

            Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
            RequestTimeout = requestTimeout;
        }

        /// <summary>The tenant as given: a GUID or a verified domain.</summary>
        public string TenantId { get; }

        /// <summary>
        /// The application (client) id; empty for a system-assigned managed identity or a given access token
        /// when none was named.
        /// </summary>
        public string ClientId { get; } = string.Empty;

        /// <summary>How the preflight signs in.</summary>
        public PreflightCredential Credential { get; }

        /// <summary>The client secret, when the credential is one; read once, when the token is requested.</summary>
        public SecureString? ClientSecret => (Credential as ClientSecretCredential)?.Secret;

        /// <summary>The cloud's addresses.</summary>
        public CloudEndpoints Endpoints { get; }

        /// <summary>How long one request may take, as <c>-TimeoutSec</c> in Invoke-RestMethod.</summary>
        public TimeSpan RequestTimeout { get; }

        // A message echoes what was typed, but not a pasted page of it.
        private static string Shorten(string value) => value.Length > 80 ? value.Substring(0, 80) + "..." : value;

        /// <summary>The client secret as plain text, for the one call that needs it; empty for other kinds.</summary>
        internal string RevealSecret() => Reveal(ClientSecret);

        /// <summary>A secure string as plain text, for the one call that needs it. Callers keep it no longer.</summary>
        internal static string Reveal(SecureString? secure)
        {
            if (secure is null || secure.Length == 0)
            {
                return string.Empty;
            }

            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }

        private static void ValidateCredential(PreflightCredential credential)
        {
            switch (credential)
            {
                case ClientSecretCredential secret when secret.Secret is null:
                    throw new PreflightArgumentException(
                        "MissingClientSecret", "ClientSecret", Messages.MissingClientSecret);
                case ClientSecretCredential secret when Reveal(secret.Secret).Trim().Length == 0:
                    throw new PreflightArgumentException(
                        "EmptyClientSecret", "ClientSecret", Messages.EmptyClientSecret);
                case UserPasswordCredential user when string.IsNullOrWhiteSpace(user.UserName):
                    throw new PreflightArgumentException(
                        "MissingUserName", "UserCredential", Messages.MissingUserName);
                case UserPasswordCredential user when !user.UserName.Contains("@"):
                    throw new PreflightArgumentException(
                        "UserNameNotPrincipalName",
                        "UserCredential",
                        Messages.Format(Messages.UserNameNotPrincipalName, Shorten(user.UserName)));
                case UserPasswordCredential user when Reveal(user.Password).Length == 0:
                    throw new PreflightArgumentException(
                        "EmptyUserPassword", "UserCredential", Messages.EmptyUserPassword);
                case AccessTokenCredential token when
                    AccessTokenCredential.WithoutBearerPrefix(Reveal(token.Token)).Length == 0:
                    throw new PreflightArgumentException(
                        "EmptyAccessToken", "AccessToken", Messages.EmptyAccessToken);
                case FederatedTokenCredential federated when federated.Token != null &&
                    Reveal(federated.Token).Trim().Length == 0:
                    throw new PreflightArgumentException(
                        "EmptyFederatedToken", "FederatedToken", Messages.EmptyFederatedToken);
                case CertificateCredential certificate when certificate.ExpiryWarningDays < 0:
                    throw new PreflightArgumentException(
                        "InvalidExpiryWarning",
                        "CertificateExpiryWarningDays",
                        Messages.Format(Messages.InvalidExpiryWarning, certificate.ExpiryWarningDays));
            }
        }
    }
}
