namespace PbiPreflight.Reports
{
    /// <summary>The forms a report of check results can take.</summary>
    public enum ReportFormat
    {
        /// <summary>One self-contained page, one section per tenant, for an admin to open or mail.</summary>
        Html,

        /// <summary>Tables for tickets and wikis.</summary>
        Markdown,

        /// <summary>JUnit XML, one test case per check, for the test publishers of CI servers.</summary>
        JUnit,

        /// <summary>An array of results with the same property names as the result objects.</summary>
        Json,
    }
}
