namespace PbiPreflight.Diagnosis
{
    /// <summary>
    /// One known cause: a stable reason id, the status it gives a check, a sentence that says what happened and
    /// the change that fixes it, both in the admin's terms.
    /// </summary>
    public sealed class Diagnosis
    {
        internal Diagnosis(
            string reason,
            CheckStatus status,
            string message,
            string remediation,
            PortalPage page = PortalPage.None)
        {
            Reason = reason;
            Status = status;
            Message = message;
            Remediation = remediation;
            Page = page;
        }

        /// <summary>The portal page where the fix is made, linked from results for the chosen cloud.</summary>
        internal PortalPage Page { get; }

        /// <summary>The stable id scripts filter on.</summary>
        public string Reason { get; }

        /// <summary>The status a check gets when this is its verdict.</summary>
        public CheckStatus Status { get; }

        /// <summary>What happened, possibly with <c>{0}</c>-style slots filled where it is used.</summary>
        public string Message { get; }

        /// <summary>What the admin changes; empty when nothing needs changing.</summary>
        public string Remediation { get; }
    }
}
