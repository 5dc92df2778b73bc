using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// Where the external token of workload identity federation comes from, in this order: the value given, the
    /// file given, <c>AZURE_FEDERATED_TOKEN_FILE</c>, then the GitHub Actions runner. A file is read again at
    /// every request, as Kubernetes rotates it; the runner is asked for a token with the audience Entra ID expects.
    /// </summary>
    internal sealed class FederatedTokenSource
    {
        /// <summary>The audience Entra ID accepts on an external token by default.</summary>
        public const string EntraAudience = "api://AzureADTokenExchange";

        private readonly FederatedTokenCredential credential;
        private readonly string? file;
        private readonly Uri? actionsUrl;
        private readonly string? actionsToken;

        private FederatedTokenSource(FederatedTokenCredential credential, string? file, Uri? actionsUrl,
            string? actionsToken)
        {
            this.credential = credential;
            this.file = file;
            this.actionsUrl = actionsUrl;
            this.actionsToken = actionsToken;
        }

        /// <summary>Where the token comes from, for messages and Details.</summary>
        public string Origin => credential.Token != null ? "value" : file != null ? "file" : "GitHub Actions";

        /// <summary>
        /// Finds the source before any network call; throws <see cref="PreflightArgumentException"/> when there
        /// is none or the file cannot be read.
        /// </summary>
        public static FederatedTokenSource Find(FederatedTokenCredential credential)
        {
            if (credential.Token != null)
            {
                return new FederatedTokenSource(credential, null, null, null);
            }

            var file = credential.TokenFile ?? Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE");
            if (!string.IsNullOrWhiteSpace(file))
            {
                if (ReadFile(file!).Length == 0)
                {
                    throw new PreflightArgumentException(
                        "EmptyFederatedTokenFile",
                        "FederatedTokenFile",
                        Messages.Format(Messages.EmptyFederatedTokenFile, file!));
                }

                return new FederatedTokenSource(credential, file, null, null);
            }

            var url = Environment.GetEnvironmentVariable("ACTIONS_ID_TOKEN_REQUEST_URL");
            var token = Environment.GetEnvironmentVariable("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
            if (Uri.TryCreate(url, UriKind.Absolute, out var actionsUrl) && !string.IsNullOrEmpty(token))
            {
                return new FederatedTokenSource(credential, null, actionsUrl, token);
            }

            throw new PreflightArgumentException("NoFederatedToken", "FederatedToken", Messages.NoFederatedToken);
        }

        /// <summary>The external token, fresh for this request.</summary>
        public async Task<string> GetAsync(HttpClient http, SecretRedactor redactor, CancellationToken cancellation)
        {
            string token;
            if (credential.Token != null)
            {
                token = ConnectionOptions.Reveal(credential.Token).Trim();
            }
            else if (file != null)
            {
                token = ReadFile(file);
            }
            else
            {
                token = await FromRunnerAsync(http, cancellation).ConfigureAwait(false);
            }

            redactor.AddSecret(token);
            return token;
        }

        private static string ReadFile(string path)
        {
            return InputFile.ReadTrimmedText(
                path, "FederatedTokenFileUnreadable", "FederatedTokenFile", Messages.FederatedTokenFileUnreadable);
        }

        private async Task<string> FromRunnerAsync(HttpClient http, CancellationToken cancellation)
        {
            var separator = actionsUrl!.Query.Length > 0 ? "&" : "?";
            var address = new Uri(actionsUrl.AbsoluteUri + separator + "audience=" +
                Uri.EscapeDataString(EntraAudience));
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actionsToken);
            using var response = await http.SendAsync(request, cancellation).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new FederatedTokenUnavailableException((int)response.StatusCode);
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                return JsonText.String(document.RootElement, "value")
                    ?? throw new FederatedTokenUnavailableException((int)response.StatusCode);
            }
            catch (JsonException)
            {
                throw new FederatedTokenUnavailableException((int)response.StatusCode);
            }
        }
    }

    /// <summary>The GitHub Actions runner did not hand out an id token.</summary>
    internal sealed class FederatedTokenUnavailableException : Exception
    {
        public FederatedTokenUnavailableException(int status)
            : base("The GitHub Actions runner answered " + status + " to the request for an id token.")
        {
            Status = status;
        }

        public int Status { get; }
    }
}
