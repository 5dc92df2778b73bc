using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PbiPreflight.Http
{
    /// <summary>
    /// Watches certificate validation without changing it: the platform's verdict is returned unchanged, and
    /// a refusal is remembered per host, so that a failed TLS handshake can be explained (untrusted root, name
    /// mismatch, expired) from what the validator saw rather than from the wording of an exception.
    /// </summary>
    internal sealed class TlsObserver
    {
        private readonly ConcurrentDictionary<string, string> problems = new ConcurrentDictionary<string, string>();

        /// <summary>The callback the handler calls; true only where the platform itself said yes.</summary>
        public bool Validate(
            HttpRequestMessage request,
            X509Certificate2? certificate,
            X509Chain? chain,
            SslPolicyErrors errors)
        {
            if (errors != SslPolicyErrors.None && request.RequestUri != null)
            {
                problems[request.RequestUri.Host] = Describe(errors, chain);
            }

            return errors == SslPolicyErrors.None;
        }

        /// <summary>What the validator objected to for this host, such as <c>UntrustedRoot</c>, or null.</summary>
        public string? ProblemFor(string host) => problems.TryGetValue(host, out var problem) ? problem : null;

        private static string Describe(SslPolicyErrors errors, X509Chain? chain)
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return "NameMismatch";
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return "NoCertificate";
            }

            var statuses = chain?.ChainStatus.Select(status => status.Status).ToList();
            if (statuses != null && statuses.Contains(X509ChainStatusFlags.NotTimeValid))
            {
                return "NotTimeValid";
            }

            return "UntrustedRoot";
        }
    }
}
