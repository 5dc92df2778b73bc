using System;
using System.Collections.Generic;
using System.IO;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// A report that could not be written once every result had arrived. The checks upstream have run by then and
    /// may not be cheap to run again, so the results travel with the error rather than being lost with the file.
    /// </summary>
    public sealed class ReportNotWrittenException : IOException
    {
        /// <summary>Wraps the failure of the write, with the results the report was to hold.</summary>
        public ReportNotWrittenException(string message, Exception cause, IReadOnlyList<CheckResult> results)
            : base(message, cause)
        {
            Results = results;
        }

        /// <summary>The results, in the order they arrived, ready to be piped to another report.</summary>
        public IReadOnlyList<CheckResult> Results { get; }
    }
}
