namespace PbiPreflight
{
    /// <summary>Portal pages a remediation points at; results link them for the chosen cloud and app.</summary>
    internal enum PortalPage
    {
        /// <summary>No page.</summary>
        None,

        /// <summary>App registration > Certificates &amp; secrets (also federated credentials).</summary>
        AppCredentials,

        /// <summary>App registration > Authentication (public client flows).</summary>
        AppAuthentication,

        /// <summary>App registration > API permissions (consent).</summary>
        AppPermissions,

        /// <summary>App registration > Overview.</summary>
        AppOverview,

        /// <summary>Entra ID > Security > Conditional Access.</summary>
        ConditionalAccess,

        /// <summary>Entra ID > Users.</summary>
        Users,
    }
}
