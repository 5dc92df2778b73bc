using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Tab completion for <c>-Environment</c>, which is a string so that bad piped values are reported.
    /// </summary>
    public sealed class EnvironmentCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName,
            string parameterName,
            string wordToComplete,
            CommandAst commandAst,
            IDictionary fakeBoundParameters)
        {
            return Enum.GetNames(typeof(PbiEnvironment))
                .Where(name => name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name));
        }
    }
}
