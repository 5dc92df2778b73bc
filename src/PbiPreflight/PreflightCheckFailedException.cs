using System;

namespace PbiPreflight.Commands
{
    /// <summary>A check that failed, raised as an error only when the caller asked for -FailOnError.</summary>
    public sealed class PreflightCheckFailedException : Exception
    {
        /// <summary>Wraps the failed result, whose message becomes the error's.</summary>
        public PreflightCheckFailedException(CheckResult result)
            : base(result.Check + ": " + result.Message)
        {
            Result = result;
        }

        /// <summary>The failed check's result.</summary>
        public CheckResult Result { get; }
    }
}
