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
        /// Validates the values and builds the options; throws <see cref="PreflightArgumentException"/>.
        /// </summary>
        public ConnectionOptions(
            string tenantId,
            string clientId,
            SecureString? clientSecret,
            CloudEndpoints endpoints,
            TimeSpan requestTimeout)
        {
            TenantId = (tenantId ?? string.Empty).Trim();
            if (Guid.TryParse(TenantId, out var tenantGuid))
            {
                // Entra ID reads only the dashed form; braces or a bare 32-digit form would be "not found".
                TenantId = tenantGuid.ToString("D");
            }
            else if (!DomainName.IsMatch(TenantId))
            {
                throw new PreflightArgumentException(
                    "InvalidTenantId",
                    "TenantId",
                    Messages.Format(Messages.InvalidTenantId, Shorten(TenantId)));
            }

            var trimmedClientId = (clientId ?? string.Empty).Trim();
            if (!Guid.TryParse(trimmedClientId, out var parsedClientId))
            {
                throw new PreflightArgumentException(
                    "InvalidClientId",
                    "ClientId",
                    Messages.Format(Messages.InvalidClientId, Shorten(trimmedClientId)));
            }

            if (clientSecret is null)
            {
                throw new PreflightArgumentException(
                    "MissingClientSecret",
                    "ClientSecret",
                    Messages.MissingClientSecret);
            }

            ClientSecret = clientSecret;
            if (clientSecret.Length == 0 || RevealSecret().Trim().Length == 0)
            {
                throw new PreflightArgumentException("EmptyClientSecret", "ClientSecret", Messages.EmptyClientSecret);
            }

            if (requestTimeout < TimeSpan.FromSeconds(1))
            {
                throw new PreflightArgumentException(
                    "InvalidTimeout",
                    "TimeoutSec",
                    Messages.Format(Messages.InvalidTimeout, "TimeoutSec", requestTimeout.TotalSeconds));
            }

            ClientId = parsedClientId.ToString("D");
            Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
            RequestTimeout = requestTimeout;
        }

        /// <summary>The tenant as given: a GUID or a verified domain.</summary>
        public string TenantId { get; }

        /// <summary>The application (client) id.</summary>
        public string ClientId { get; }

        /// <summary>The client secret; read once, when the token is requested.</summary>
        public SecureString ClientSecret { get; }

        /// <summary>The cloud's addresses.</summary>
        public CloudEndpoints Endpoints { get; }

        /// <summary>How long one request may take, as <c>-TimeoutSec</c> in Invoke-RestMethod.</summary>
        public TimeSpan RequestTimeout { get; }

        // A message echoes what was typed, but not a pasted page of it.
        private static string Shorten(string value) => value.Length > 80 ? value.Substring(0, 80) + "..." : value;

        /// <summary>The secret as plain text, for the one call that needs it. Callers keep it no longer.</summary>
        internal string RevealSecret()
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(ClientSecret);
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
    }
}
