using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using PbiPreflight.Engine;
using PbiPreflight.Reports;

namespace PbiPreflight.Commands
{
    /// <summary>
    /// Writes the check results from the pipeline to one file as an HTML page, Markdown, JUnit XML or JSON. The
    /// file appears whole or not at all: the report is written to a temporary file beside it and moved into place.
    /// </summary>
    [Cmdlet(VerbsData.Export, "PbiPreflightReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportPbiPreflightReportCommand : PSCmdlet
    {
        private const string NotFileSystemMessage =
            "The report path '{0}' is not on the file system (its provider is {1}); give a file path.";

        private const string InvalidPathMessage = "The report path '{0}' is not a valid file path: {1}";

        private const string DirectoryNotFoundMessage =
            "The folder '{0}' does not exist; create it first or choose another -Path.";

        private const string PathIsDirectoryMessage = "'{0}' is a folder; -Path names the report file to write.";

        private const string FileExistsMessage = "'{0}' already exists and -NoClobber was given; nothing was written.";

        private const string NotCheckResultMessage =
            "A {0} is not a check result; give the objects Invoke-PbiPreflight or a Test-Pbi* cmdlet writes " +
            "(also after Export-Clixml or ConvertFrom-Json).";

        private const string NoResultsMessage =
            "No check results reached Export-PbiPreflightReport; nothing was written to '{0}'.";

        private const string WriteFailedMessage = "The report could not be written to '{0}': {1}";

        private const string ResultsKeptMessage =
            "{0} kept in the error's exception: $_.Exception.Results in a catch block, or " +
            "$Error[0].Exception.Results right after, piped to Export-PbiPreflightReport -Path <another file>, " +
            "writes them without running the checks again.";

        private readonly List<CheckResult> results = new List<CheckResult>();

        private string targetPath = string.Empty;

        /// <summary>
        /// The report file to write, relative to PowerShell's current location. Taken literally: no wildcards.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("FilePath", "LiteralPath")]
        public string Path { get; set; } = string.Empty;

        /// <summary>The report's format.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public ReportFormat Format { get; set; }

        /// <summary>Check results, live or deserialized.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Refuses to replace an existing file.</summary>
        [Parameter]
        [Alias("NoOverwrite")]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Writes the report file's <see cref="FileInfo"/> once it is written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // A bad path ends the pipeline before the checks upstream spend any calls on the tenant.
            targetPath = ResolveTarget();

            // So does a folder that cannot be written to, found out now rather than after the run, when the
            // results would have nowhere to go. -WhatIf writes nothing, not even this.
            if (!WhatIfRequested())
            {
                ProbeFolder();
            }
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var result = CheckResultInput.From(InputObject);
            if (result is null)
            {
                var typeName = InputObject?.TypeNames.Count > 0 ? InputObject.TypeNames[0] : "null";
                var error = new ErrorRecord(
                    new ArgumentException(Compose(NotCheckResultMessage, typeName)),
                    "InputNotCheckResult",
                    ErrorCategory.InvalidType,
                    InputObject);
                WriteError(error);
                return;
            }

            results.Add(result);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            // An empty report would read as "nothing wrong" (and as a green build in CI) when the real cause is
            // an empty variable or a filter that matched nothing.
            if (results.Count == 0)
            {
                Fail("NoCheckResults", ErrorCategory.InvalidData, Compose(NoResultsMessage, targetPath));
            }

            if (!ShouldProcess(targetPath, "Write " + Format + " report of " + results.Count + " check results"))
            {
                return;
            }

            WriteReport();
            if (PassThru.IsPresent)
            {
                WriteObject(new FileInfo(targetPath));
            }
        }

        /// <summary>
        /// -WhatIf, or else $WhatIfPreference, which ShouldProcess honours the same way when -WhatIf is not given.
        /// </summary>
        private bool WhatIfRequested()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
            {
                return bound is SwitchParameter { IsPresent: true };
            }

            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        private string ResolveTarget()
        {
            string resolved;
            ProviderInfo provider;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out provider, out _);
            }
            catch (Exception invalid) when (invalid is ArgumentException || invalid is NotSupportedException ||
                invalid is SessionStateException || invalid is IOException)
            {
                Fail(
                    "InvalidReportPath",
                    ErrorCategory.InvalidArgument,
                    Compose(InvalidPathMessage, Path, invalid.Message));
                throw;
            }

            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                Fail("ReportPathNotFileSystem", ErrorCategory.InvalidArgument,
                    Compose(NotFileSystemMessage, Path, provider.Name));
            }

            if (Directory.Exists(resolved))
            {
                Fail(
                    "ReportPathIsDirectory",
                    ErrorCategory.InvalidArgument,
                    Compose(PathIsDirectoryMessage, resolved));
            }

            var folder = System.IO.Path.GetDirectoryName(resolved);
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            {
                Fail("ReportDirectoryNotFound", ErrorCategory.ObjectNotFound,
                    Compose(DirectoryNotFoundMessage, folder ?? resolved));
            }

            if (NoClobber.IsPresent && File.Exists(resolved))
            {
                Fail("ReportFileExists", ErrorCategory.ResourceExists, Compose(FileExistsMessage, resolved));
            }

            return resolved;
        }

        private void ProbeFolder()
        {
            var probe = TemporaryPathBeside(targetPath);
            try
            {
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1,
                    FileOptions.DeleteOnClose))
                {
                }
            }
            catch (Exception failed) when (failed is IOException || failed is UnauthorizedAccessException)
            {
                Fail("ReportWriteFailed", ErrorCategory.WriteError,
                    Compose(WriteFailedMessage, targetPath, failed.Message.Replace(probe, targetPath)));
            }
        }

        // Hidden and unique, in the target's folder so that the final move is a rename on one volume.
        private static string TemporaryPathBeside(string target)
        {
            return System.IO.Path.Combine(
                System.IO.Path.GetDirectoryName(target)!,
                "." + System.IO.Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        }

        private void WriteReport()
        {
            // Known shortcoming: a process killed while writing leaves the hidden temporary file behind.
            var temporary = TemporaryPathBeside(targetPath);

            // Loaded before the file is touched: an engine that cannot load is no file problem, and writing the
            // results elsewhere would fail the same way.
            var engine = EngineLoader.Engine;
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    engine.WriteReport(results, Format, stream);
                }

                MoveIntoPlace(temporary);
            }
            catch (Exception failed) when (failed is IOException || failed is UnauthorizedAccessException)
            {
                // The platform names the hidden file it could not create; the admin knows only -Path.
                var id = NoClobber.IsPresent && File.Exists(targetPath) ? "ReportFileExists" : "ReportWriteFailed";
                var cause = id == "ReportFileExists"
                    ? Compose(FileExistsMessage, targetPath)
                    : Compose(WriteFailedMessage, targetPath, failed.Message.Replace(temporary, targetPath));

                ThrowTerminatingError(new ErrorRecord(
                    new ReportNotWrittenException(
                        cause + " " + Compose(ResultsKeptMessage, results.Count == 1
                            ? "The check result is"
                            : Compose("The {0} check results are", results.Count)),
                        failed,
                        results.ToArray()),
                    id,
                    id == "ReportFileExists" ? ErrorCategory.ResourceExists : ErrorCategory.WriteError,
                    targetPath));
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        // On one volume a move is a rename, so a reader sees the old file or the new one, never half of one.
        private void MoveIntoPlace(string temporary)
        {
            if (!NoClobber.IsPresent && File.Exists(targetPath))
            {
                File.Replace(temporary, targetPath, destinationBackupFileName: null);
                return;
            }

            File.Move(temporary, targetPath);
        }

        private void Fail(string errorId, ErrorCategory category, string message)
        {
            var exception = category == ErrorCategory.ObjectNotFound
                ? new DirectoryNotFoundException(message)
                : category == ErrorCategory.ResourceExists || category == ErrorCategory.WriteError
                    ? new IOException(message)
                    : (Exception)new ArgumentException(message);
            ThrowTerminatingError(new ErrorRecord(exception, errorId, category, Path));
        }

        // The cmdlet's own wording, kept here rather than in the engine's messages: it is about files and
        // pipeline input, which the engine never sees.
        private static string Compose(string template, params object?[] values)
        {
            return string.Format(CultureInfo.CurrentCulture, template, values);
        }
    }
}
