<#
.SYNOPSIS
    Runs the Pester tests in this folder and writes a summary for build.ps1 to add up.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [Parameter(Mandatory)] [string] $ResultsDirectory
)

$ErrorActionPreference = 'Stop'

# The tests read the emulator's request log over HTTPS; .NET reads SSL_CERT_FILE when the process starts, so the
# caller (build.ps1) points it at the test certificate authority before starting this script.
if (-not $env:SSL_CERT_FILE -or -not (Test-Path $env:SSL_CERT_FILE)) {
    throw 'SSL_CERT_FILE must name the emulator''s certificate authority (out/test-ca/ca.pem); run ./build.ps1 -Task Test.'
}

Import-Module $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $configuration
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
} | ConvertTo-Json | Set-Content -Path $SummaryPath -Encoding utf8
