using System.Management.Automation;

namespace PbiBenchEmpty
{
    /// <summary>Writes one boolean and nothing else: the least a binary cmdlet can do.</summary>
    [Cmdlet(VerbsCommon.Get, "BenchNothing")]
    [OutputType(typeof(bool))]
    public sealed class GetBenchNothingCommand : PSCmdlet
    {
        /// <summary>Writes <c>true</c>.</summary>
        protected override void ProcessRecord()
        {
            WriteObject(true);
        }
    }
}
