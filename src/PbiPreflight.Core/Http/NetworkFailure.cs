using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;

namespace PbiPreflight.Http
{
    /// <summary>
    /// Names why no answer came: from the exception's structure (its types, socket error codes, the status
    /// .NET records on a failed proxy tunnel) and what <see cref="TlsObserver"/> saw, never from its wording,
    /// which is localized.
    /// </summary>
    internal static class NetworkFailure
    {
        /// <summary>The named cause, or null when the failure shows none of the known structures.</summary>
        public static Diagnosis.Diagnosis? Classify(Exception error, TlsObserver? tls, Uri target)
        {
            for (var current = error; current != null; current = current.InnerException)
            {
                var known = ClassifyOne(current, tls, target);
                if (known != null)
                {
                    return known;
                }
            }

            return null;
        }

        /// <summary>
        /// True when anything in the chain is a failure of the transport (HTTP, socket, stream, time-out or a
        /// cancelled wait), whether or not <see cref="Classify"/> can name it.
        /// </summary>
        public static bool HasNetworkCause(Exception error)
        {
            for (var current = error; current != null; current = current.InnerException)
            {
                if (current is System.Net.Http.HttpRequestException || current is IOException ||
                    current is SocketException || current is TimeoutException || current is OperationCanceledException)
                {
                    return true;
                }
            }

            return false;
        }

        private static Diagnosis.Diagnosis? ClassifyOne(Exception error, TlsObserver? tls, Uri target)
        {
            switch (error)
            {
                case Polly.Timeout.TimeoutRejectedException _:
                case TimeoutException _:
                    return Diagnosis.DiagnosisCatalog.RequestTimedOut;
                case SocketException socket:
                    return FromSocket(socket.SocketErrorCode);
                case AuthenticationException _:
                    return FromTls(tls?.ProblemFor(target.Host));
                case IOException _ when error.InnerException is null:
                    return Diagnosis.DiagnosisCatalog.ConnectionReset;
            }

            // A failed proxy tunnel carries the proxy's status (on .NET 5 and later, hence by name).
            var status = error.GetType().GetProperty("StatusCode")?.GetValue(error);
            if (status != null && Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture) == 407)
            {
                return Diagnosis.DiagnosisCatalog.ProxyAuthenticationRequired;
            }

            var kind = error.GetType().GetProperty("HttpRequestError")?.GetValue(error)?.ToString();
            switch (kind)
            {
                case "NameResolutionError":
                    return Diagnosis.DiagnosisCatalog.NameResolutionFailed;
                case "ProxyTunnelError":
                    return Diagnosis.DiagnosisCatalog.ProxyFailed;
                case "SecureConnectionError" when error.InnerException is null:
                    return FromTls(tls?.ProblemFor(target.Host));
                default:
                    return null;
            }
        }

        private static Diagnosis.Diagnosis? FromSocket(SocketError code)
        {
            switch (code)
            {
                case SocketError.HostNotFound:
                case SocketError.NoData:
                case SocketError.TryAgain:
                    return Diagnosis.DiagnosisCatalog.NameResolutionFailed;
                case SocketError.ConnectionRefused:
                    return Diagnosis.DiagnosisCatalog.ConnectionRefused;
                case SocketError.TimedOut:
                    return Diagnosis.DiagnosisCatalog.RequestTimedOut;
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                    return Diagnosis.DiagnosisCatalog.ConnectionReset;
                default:
                    return null;
            }
        }

        private static Diagnosis.Diagnosis FromTls(string? problem)
        {
            switch (problem)
            {
                case "NameMismatch":
                    return Diagnosis.DiagnosisCatalog.TlsNameMismatch;
                case "NotTimeValid":
                    return Diagnosis.DiagnosisCatalog.TlsCertificateExpired;
                case "UntrustedRoot":
                case "NoCertificate":
                    return Diagnosis.DiagnosisCatalog.TlsUntrustedRoot;
                default:
                    // The certificate was never judged: the two sides found no protocol or cipher in common.
                    return Diagnosis.DiagnosisCatalog.TlsHandshakeFailed;
            }
        }
    }
}
