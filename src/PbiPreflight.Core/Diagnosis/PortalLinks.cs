using System;

namespace PbiPreflight.Diagnosis
{
    /// <summary>
    /// Links to the portal page where a fix is made, in the portal of the chosen cloud. These are the addresses the
    /// Azure portal itself shows for the app registration's blades; Microsoft does not promise them as an API, so
    /// a link that stops working degrades to the portal's home page, and the remediation text names the path too.
    /// </summary>
    internal static class PortalLinks
    {
        private const string AppRegistration = "#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/";

        /// <summary>The link for <paramref name="page"/>, or null when the cloud has no known portal.</summary>
        public static string? For(PortalPage page, CloudEndpoints endpoints, string? appId)
        {
            var portal = endpoints.PortalUri;
            if (portal is null || page == PortalPage.None)
            {
                return null;
            }

            var app = string.IsNullOrEmpty(appId) ? null : "/appId/" + Uri.EscapeDataString(appId!);
            switch (page)
            {
                case PortalPage.AppCredentials when app != null:
                    return portal.AbsoluteUri + AppRegistration + "Credentials" + app;
                case PortalPage.AppAuthentication when app != null:
                    return portal.AbsoluteUri + AppRegistration + "Authentication" + app;
                case PortalPage.AppPermissions when app != null:
                    return portal.AbsoluteUri + AppRegistration + "CallAnAPI" + app;
                case PortalPage.AppOverview when app != null:
                    return portal.AbsoluteUri + AppRegistration + "Overview" + app;
                case PortalPage.ConditionalAccess:
                    return portal.AbsoluteUri +
                        "#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies";
                case PortalPage.Users:
                    return portal.AbsoluteUri +
                        "#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers";
                default:
                    return portal.AbsoluteUri;
            }
        }
    }
}
