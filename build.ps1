<#
.SYNOPSIS
    Builds, tests and demonstrates PbiPreflight.

.DESCRIPTION
    Build  lays out the importable module in out/PbiPreflight and the emulator in out/emulator.
    Test   builds, runs the xUnit tests, then the Pester tests in a child PowerShell against the emulator,
           and ends with one line "N passed, N failed" summing both; any failure makes the exit code 1.
    Demo   builds, starts the emulator, and runs Invoke-PbiPreflight against a healthy tenant and broken ones.
    Bench  builds, then measures what the module adds on top of the round trips (tests/Bench), prints the table
           and writes it to docs/benchmarks.md. Not part of Test.
    Clean  removes out/ and the build folders.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Bench only: the emulator's delay on every answer, one round trip.
    [ValidateRange(0, 5000)]
    [int] $LatencyMs = 100,

    # Bench only: how long every emulated scan takes.
    [ValidateRange(0, 60000)]
    [int] $ScanDurationMs = 1000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'PbiPreflight'
$emulatorOut = Join-Path $out 'emulator'
$resultsOut = Join-Path $out 'test-results'

function Invoke-Dotnet {
    # One array rather than loose arguments: dotnet's -v or -o would otherwise bind to PowerShell's common
    # parameters.
    param([string[]] $Arguments)

    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Get-ModuleVersion {
    # The one place the version lives is Directory.Build.props; the manifest gets it stamped here.
    [xml] $props = Get-Content -Raw (Join-Path $root 'Directory.Build.props')
    $version = $props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) {
        throw 'Directory.Build.props has no VersionPrefix.'
    }

    return $version
}

function Invoke-Build {
    Write-Host "Building PbiPreflight ($Configuration)..."
    $solution = Join-Path $root 'PbiPreflight.sln'
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '--nologo', '--verbosity', 'quiet')

    if (Test-Path $moduleOut) {
        Remove-Item -Recurse -Force $moduleOut
    }

    # Publishing the cmdlet project gathers the engine and its dependencies (MSAL, Polly, System.Text.Json for
    # Windows PowerShell) beside it; PowerShellStandard.Library is reference-only and is never copied.
    Invoke-Dotnet @('publish', (Join-Path $root 'src/PbiPreflight/PbiPreflight.csproj'), '-c', $Configuration,
        '-o', $moduleOut, '--no-build', '--nologo', '--verbosity', 'quiet')
    Get-ChildItem $moduleOut -Filter '*.deps.json' | Remove-Item
    if (Test-Path (Join-Path $moduleOut 'System.Management.Automation.dll')) {
        throw 'System.Management.Automation.dll must not ship with the module.'
    }

    $version = Get-ModuleVersion
    $manifest = Get-Content -Raw (Join-Path $root 'PbiPreflight.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)=\s*'[^']*'", "ModuleVersion`$1= '$version'"
    Set-Content -Path (Join-Path $moduleOut 'PbiPreflight.psd1') -Value $manifest -Encoding utf8
    Copy-Item (Join-Path $root 'module/*') $moduleOut -Recurse -Force

    Invoke-Dotnet @('publish', (Join-Path $root 'src/PbiPreflight.Emulator/PbiPreflight.Emulator.csproj'),
        '-c', $Configuration, '-o', $emulatorOut, '--no-build', '--nologo', '--verbosity', 'quiet')

    Write-Host "Module laid out in $moduleOut (version $version); emulator in $emulatorOut."
}

function Get-PesterPath {
    # Pester comes as a NuGet package, restored like every other dependency and imported by path.
    Invoke-Dotnet @('restore', (Join-Path $root 'tests/tools/tools.csproj'), '--nologo', '--verbosity', 'quiet')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) {
        throw "Pester was restored but $path is missing."
    }

    return $path
}

function Invoke-XunitTests {
    $trx = Join-Path $resultsOut 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    & dotnet test (Join-Path $root 'tests/PbiPreflight.Tests/PbiPreflight.Tests.csproj') -c $Configuration `
        --no-build --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $trx)) {
        throw 'The xUnit run left no results file; it did not run.'
    }

    [xml] $results = Get-Content -Raw $trx
    $counters = $results.TestRun.ResultSummary.Counters
    return [pscustomobject]@{
        Passed  = [int] $counters.passed
        Failed  = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
        Skipped = [int] $counters.notExecuted
    }
}

function Invoke-PesterTests {
    param([string] $PesterPath)

    # A child PowerShell, so the tests meet the module as a user does: freshly imported from out/.
    $summaryPath = Join-Path $resultsOut 'pester-summary.json'
    Remove-Item $summaryPath -ErrorAction Ignore
    # The emulator creates the test certificate authority on its first start; the child trusts it from its own
    # start, as .NET on Linux reads SSL_CERT_FILE only then.
    Import-Module (Join-Path $root 'tests/TestKit.psm1') -Force
    Start-PbiEmulator -Scenario healthy | Stop-PbiEmulator
    $env:SSL_CERT_FILE = Join-Path $out 'test-ca/ca.pem'

    $pwsh = Join-Path $PSHOME 'pwsh.dll'
    & dotnet $pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Pester/Invoke-PesterSuite.ps1') `
        -PesterPath $PesterPath -SummaryPath $summaryPath -ResultsDirectory $resultsOut | Out-Host
    if (-not (Test-Path $summaryPath)) {
        throw 'The Pester run left no summary; it did not finish.'
    }

    return Get-Content -Raw $summaryPath | ConvertFrom-Json
}

function Install-TestTool {
    # The proxy tests need a real forward proxy. CI runs as root on Debian, where it can be installed; elsewhere
    # those tests say they were skipped and name the package.
    if (Get-Command tinyproxy -ErrorAction Ignore) {
        return
    }

    $isRootOnDebian = $IsLinux -and (Test-Path /etc/debian_version) -and ((& id -u) -eq '0')
    if (-not $isRootOnDebian) {
        Write-Host 'tinyproxy is not installed and cannot be installed here; the proxy tests will be skipped.'
        return
    }

    Write-Host 'Installing tinyproxy (Debian package) for the proxy tests...'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Host
    & apt-get install -y -qq tinyproxy | Out-Host
}

function Invoke-Test {
    Invoke-Build
    Install-TestTool
    New-Item -ItemType Directory -Force $resultsOut | Out-Null
    $pesterPath = Get-PesterPath

    $xunit = Invoke-XunitTests
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped."
    $pester = Invoke-PesterTests -PesterPath $pesterPath
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped."

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) {
        exit 1
    }
}

function Invoke-Demo {
    Invoke-Build
    # The demo finds the built module and emulator in out/, as the tests do.
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $root 'tests/Demo.ps1')
    if ($LASTEXITCODE -ne 0) {
        exit $LASTEXITCODE
    }
}

function Invoke-Bench {
    Invoke-Build

    # The cold start's baseline: an empty binary module, built apart from the solution.
    Invoke-Dotnet @('build', (Join-Path $root 'tests/Bench/EmptyModule/EmptyModule.csproj'), '-c', $Configuration,
        '-o', (Join-Path $out 'bench/EmptyModule'), '--nologo', '--verbosity', 'quiet')

    # As for the tests: the first start creates the test authority, which the child trusts from its own start.
    Import-Module (Join-Path $root 'tests/TestKit.psm1') -Force
    Start-PbiEmulator -Scenario healthy | Stop-PbiEmulator
    $env:SSL_CERT_FILE = Join-Path $out 'test-ca/ca.pem'

    $command = "dotnet pwsh ./build.ps1 -Task Bench -LatencyMs $LatencyMs -ScanDurationMs $ScanDurationMs"
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive `
        -File (Join-Path $root 'tests/Bench/Invoke-Benchmark.ps1') `
        -LatencyMs $LatencyMs -ScanDurationMs $ScanDurationMs -Command $command
    if ($LASTEXITCODE -ne 0) {
        exit $LASTEXITCODE
    }
}

function Invoke-Clean {
    $buildFolders = Get-ChildItem $root -Recurse -Directory -Include bin, obj | ForEach-Object FullName
    foreach ($folder in @($out) + $buildFolders) {
        if (Test-Path $folder) {
            Remove-Item -Recurse -Force $folder
        }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Clean' { Invoke-Clean }
}
