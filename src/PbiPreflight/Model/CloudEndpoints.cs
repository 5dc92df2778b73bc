using System;

namespace PbiPreflight
{
    /// <summary>The Power BI clouds a tenant can live in, named as MicrosoftPowerBIMgmt names them.</summary>
    public enum PbiEnvironment
    {
        /// <summary>The worldwide commercial cloud.</summary>
        Public,

        /// <summary>US Government Community Cloud (GCC).</summary>
        USGov,

        /// <summary>US Government Community Cloud High.</summary>
        USGovHigh,

        /// <summary>US Department of Defense cloud.</summary>
        USGovMil,

        /// <summary>Power BI operated by 21Vianet in China.</summary>
        China,

        /// <summary>Hosts given by the caller, for a private endpoint, a test tenant or the emulator.</summary>
        Custom,
    }

    /// <summary>
    /// The three addresses a preflight needs in one cloud: where tokens come from, where the Power BI REST API
    /// answers, and which resource the token must be issued for.
    /// </summary>
    public sealed class CloudEndpoints
    {
        /// <summary>The public Power BI resource, also the default for custom hosts.</summary>
        public const string PublicResource = "https://analysis.windows.net/powerbi/api";

        /// <summary>The public Microsoft Graph, also the default resource for custom hosts.</summary>
        public const string PublicGraph = "https://graph.microsoft.com";

        private CloudEndpoints(PbiEnvironment environment, Uri authorityHost, Uri apiBaseUri, Uri resourceUri)
        {
            Environment = environment;
            AuthorityHost = authorityHost;
            ApiBaseUri = apiBaseUri;
            ResourceUri = resourceUri;
            FabricBaseUri = apiBaseUri;
            GraphBaseUri = new Uri(PublicGraph);
            GraphResourceUri = new Uri(PublicGraph);
        }

        /// <summary>The cloud these endpoints belong to.</summary>
        public PbiEnvironment Environment { get; }

        /// <summary>The Entra ID origin, such as <c>https://login.microsoftonline.com</c>.</summary>
        public Uri AuthorityHost { get; }

        /// <summary>The Power BI REST origin, such as <c>https://api.powerbi.com</c>.</summary>
        public Uri ApiBaseUri { get; }

        /// <summary>The resource a token is requested for; the scope is this plus <c>/.default</c>.</summary>
        public Uri ResourceUri { get; }

        /// <summary>
        /// Where the Fabric admin API (tenant settings) answers. The Power BI token is accepted there, so no
        /// second token is needed.
        /// </summary>
        public Uri FabricBaseUri { get; private set; }

        /// <summary>The Microsoft Graph origin of this cloud (api-facts section 9.1).</summary>
        public Uri GraphBaseUri { get; private set; }

        /// <summary>The resource a Graph token is requested for.</summary>
        public Uri GraphResourceUri { get; private set; }

        /// <summary>The client-credentials scope for Microsoft Graph in this cloud.</summary>
        public string GraphScope => GraphResourceUri.AbsoluteUri.TrimEnd('/') + "/.default";

        /// <summary>The client-credentials scope for the Power BI API of this cloud.</summary>
        public string DefaultScope => ResourceUri.AbsoluteUri.TrimEnd('/') + "/.default";

        /// <summary>
        /// The Azure portal of this cloud, for links to the app registration's pages; null for custom hosts.
        /// </summary>
        public Uri? PortalUri
        {
            get
            {
                switch (Environment)
                {
                    case PbiEnvironment.Public:
                    case PbiEnvironment.USGov:
                        // GCC signs in with the commercial Entra ID, so its app registrations live there.
                        return new Uri("https://portal.azure.com/");
                    case PbiEnvironment.USGovHigh:
                    case PbiEnvironment.USGovMil:
                        return new Uri("https://portal.azure.us/");
                    case PbiEnvironment.China:
                        return new Uri("https://portal.azure.cn/");
                    default:
                        return null;
                }
            }
        }

        /// <summary>
        /// The named cloud whose Power BI resource is <paramref name="resource"/> (a v1 token's audience), or
        /// null when none is.
        /// </summary>
        public static PbiEnvironment? EnvironmentOfResource(string? resource)
        {
            var wanted = (resource ?? string.Empty).TrimEnd('/');
            foreach (PbiEnvironment environment in System.Enum.GetValues(typeof(PbiEnvironment)))
            {
                if (environment != PbiEnvironment.Custom && string.Equals(
                    For(environment).ResourceUri.AbsoluteUri.TrimEnd('/'), wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return environment;
                }
            }

            return null;
        }

        /// <summary>
        /// True for the clouds whose Entra host MSAL knows without asking the network; for custom hosts MSAL's
        /// instance discovery would call the public cloud, so it is switched off.
        /// </summary>
        public bool IsWellKnownCloud => Environment != PbiEnvironment.Custom;

        /// <summary>The endpoints of a named cloud (api-facts section 4).</summary>
        public static CloudEndpoints For(PbiEnvironment environment)
        {
            var endpoints = PowerBiEndpoints(environment);
            var (graph, fabric) = GraphAndFabric(environment);
            endpoints.GraphBaseUri = new Uri(graph);
            endpoints.GraphResourceUri = new Uri(graph);

            // Where the cloud's Fabric host is unknown, the Power BI host serves the same path.
            endpoints.FabricBaseUri = fabric is null ? endpoints.ApiBaseUri : new Uri(fabric);
            return endpoints;
        }

        /// <summary>
        /// Graph roots per cloud (api-facts 9.1) and Fabric hosts (8.5). The US Government Fabric host is what
        /// Microsoft's own tooling uses for both high clouds; for China none is documented.
        /// </summary>
        private static (string Graph, string? Fabric) GraphAndFabric(PbiEnvironment environment)
        {
            switch (environment)
            {
                case PbiEnvironment.USGovHigh:
                    return ("https://graph.microsoft.us", "https://api.fabric.microsoft.us");
                case PbiEnvironment.USGovMil:
                    return ("https://dod-graph.microsoft.us", "https://api.fabric.microsoft.us");
                case PbiEnvironment.China:
                    return ("https://microsoftgraph.chinacloudapi.cn", null);
                case PbiEnvironment.USGov:
                    return (PublicGraph, null);
                default:
                    return (PublicGraph, "https://api.fabric.microsoft.com");
            }
        }

        private static CloudEndpoints PowerBiEndpoints(PbiEnvironment environment)
        {
            switch (environment)
            {
                case PbiEnvironment.Public:
                    return Create(
                        environment,
                        "https://login.microsoftonline.com",
                        "https://api.powerbi.com",
                        PublicResource);
                case PbiEnvironment.USGov:
                    return Create(
                        environment,
                        "https://login.microsoftonline.com",
                        "https://api.powerbigov.us",
                        "https://analysis.usgovcloudapi.net/powerbi/api");
                case PbiEnvironment.USGovHigh:
                    return Create(
                        environment,
                        "https://login.microsoftonline.us",
                        "https://api.high.powerbigov.us",
                        "https://high.analysis.usgovcloudapi.net/powerbi/api");
                case PbiEnvironment.USGovMil:
                    return Create(
                        environment,
                        "https://login.microsoftonline.us",
                        "https://api.mil.powerbigov.us",
                        "https://mil.analysis.usgovcloudapi.net/powerbi/api");
                case PbiEnvironment.China:
                    return Create(
                        environment,
                        "https://login.chinacloudapi.cn",
                        "https://api.powerbi.cn",
                        "https://analysis.chinacloudapi.cn/powerbi/api");
                default:
                    throw new PreflightArgumentException(
                        "CustomEnvironmentRequiresUris",
                        "Environment",
                        Messages.CustomEnvironmentRequiresUris);
            }
        }

        /// <summary>
        /// Endpoints given by the caller. Both origins must be absolute https addresses: MSAL refuses any other
        /// authority, and a bearer token must never travel in clear text.
        /// </summary>
        public static CloudEndpoints Custom(
            Uri? authorityHost,
            Uri? apiBaseUri,
            Uri? resourceUri,
            Uri? graphBaseUri = null,
            Uri? fabricBaseUri = null)
        {
            if (authorityHost is null || apiBaseUri is null)
            {
                throw new PreflightArgumentException(
                    "CustomEnvironmentRequiresUris",
                    authorityHost is null ? "AuthorityHost" : "ApiBaseUri",
                    Messages.CustomEnvironmentRequiresUris);
            }

            RequireHttpsOrigin(authorityHost, "AuthorityHost");
            RequireHttpsOrigin(apiBaseUri, "ApiBaseUri");
            var resource = resourceUri ?? new Uri(PublicResource);
            if (!resource.IsAbsoluteUri)
            {
                throw new PreflightArgumentException(
                    "InvalidResourceUri",
                    "ResourceUri",
                    Messages.Format(Messages.InvalidResourceUri, resource));
            }

            var endpoints = new CloudEndpoints(
                PbiEnvironment.Custom,
                Origin(authorityHost),
                Origin(apiBaseUri),
                resource);

            // Graph and Fabric calls go to the API host unless told otherwise: one private endpoint, or the
            // emulator, serves them all. The Graph token stays one for the public Graph resource.
            if (graphBaseUri != null)
            {
                RequireHttpsOrigin(graphBaseUri, "GraphBaseUri");
            }

            if (fabricBaseUri != null)
            {
                RequireHttpsOrigin(fabricBaseUri, "FabricBaseUri");
            }

            endpoints.GraphBaseUri = graphBaseUri is null ? endpoints.ApiBaseUri : Origin(graphBaseUri);
            endpoints.FabricBaseUri = fabricBaseUri is null ? endpoints.ApiBaseUri : Origin(fabricBaseUri);
            return endpoints;
        }

        private static CloudEndpoints Create(PbiEnvironment environment, string authority, string api, string resource)
        {
            return new CloudEndpoints(environment, new Uri(authority), new Uri(api), new Uri(resource));
        }

        private static void RequireHttpsOrigin(Uri uri, string parameterName)
        {
            if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new PreflightArgumentException(
                    "InsecureCustomUri",
                    parameterName,
                    Messages.Format(Messages.InsecureCustomUri, parameterName, uri));
            }

            if (uri.AbsolutePath.Trim('/').Length > 0 || uri.Query.Length > 0)
            {
                throw new PreflightArgumentException(
                    "CustomUriNotAnOrigin",
                    parameterName,
                    Messages.Format(Messages.CustomUriNotAnOrigin, parameterName, uri));
            }
        }

        private static Uri Origin(Uri uri) => new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }
}
