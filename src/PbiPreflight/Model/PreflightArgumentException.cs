using System;

namespace PbiPreflight
{
    /// <summary>
    /// A parameter that makes every check impossible, found before any network call. The error id is public
    /// API: scripts match on it.
    /// </summary>
    public sealed class PreflightArgumentException : Exception
    {
        /// <summary>Creates the exception with its stable error id.</summary>
        public PreflightArgumentException(string errorId, string parameterName, string message)
            : base(message)
        {
            ErrorId = errorId;
            ParameterName = parameterName;
        }

        /// <summary>A stable PascalCase id, such as <c>InvalidTenantId</c>.</summary>
        public string ErrorId { get; }

        /// <summary>The parameter at fault, as the cmdlets name it.</summary>
        public string ParameterName { get; }
    }
}
