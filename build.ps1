<#
.SYNOPSIS
    Builds, tests and demonstrates PbiPreflight.

.DESCRIPTION
    Build  lays out the importable module in out/PbiPreflight, with its help generated from module/help, and the
           emulator in out/emulator.
    Test   builds, runs the xUnit tests, then the Pester tests in a child PowerShell against the emulator,
           and ends with one line "N passed, N failed" summing both; any failure makes the exit code 1.
    Demo   builds, starts the emulator, and runs Invoke-PbiPreflight against a healthy tenant and broken ones.
    Package builds (unless -NoBuild), lays out out/package/PbiPreflight/<version> for Publish-PSResource, and
           publishes it to a temporary local repository to make out/package/PbiPreflight.<version>.nupkg.
    Bench  builds, then measures what the module adds on top of the round trips (tests/Bench), prints the table
           and writes it to docs/benchmarks.md. Not part of Test.
    Clean  removes out/ and the build folders.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Package only: take the module already laid out in out/PbiPreflight instead of building it again.
    [switch] $NoBuild,

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
$packageOut = Join-Path $out 'package'
$helpSources = Join-Path $root 'module/help'

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

function Invoke-AheadOfTimeCompile {
    # Compiles the PowerShell 7 engine and its dependencies ahead of time (ReadyToRun), so a new session does not
    # spend a tenth of a second compiling MSAL and the engine on first use. A runtime uses native code only from the
    # compiler of its own major version (the SDK's PublishReadyToRun compiles for the target framework, .NET 8,
    # which PowerShell 7.6 on .NET 10 ignores), and refuses to load an assembly compiled for another platform. So
    # the portable net8.0 engine stays as it is in engine/core, for every PowerShell 7 anywhere, and a copy compiled
    # by the crossgen2 of the runtime this build runs on goes beside it, named for the platform and major version;
    # the module's loader takes that copy only on an exact match. The copy is all or nothing: any failure leaves
    # the portable engine alone, with a warning.
    param([string] $PortableFolder)

    # The names EngineLoader computes from the running process; other platforms get no copy.
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'osx' } elseif ($IsLinux) { 'linux' } else { $null }
    $architecture = "$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()
    if (-not $os -or $architecture -notin 'x64', 'arm64') {
        Write-Warning "No native engine is compiled for $os $architecture; the portable engine is used there."
        return
    }

    $runtimeIdentifier = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $runtimeVersion = [Environment]::Version.ToString(3)
    $crossgenProject = Join-Path $root 'src/Crossgen/Crossgen.csproj'
    $restore = & dotnet restore $crossgenProject "-p:CrossgenVersion=$runtimeVersion" `
        "-p:CrossgenRuntime=$runtimeIdentifier" --nologo --verbosity quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        Write-Warning ("crossgen2 for .NET $runtimeVersion on $runtimeIdentifier could not be restored, so the " +
            "engine stays portable and is compiled on first use: $(@($restore) | Select-Object -Last 3)")
        return
    }

    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $package = "microsoft.netcore.app.crossgen2.$($runtimeIdentifier.ToLowerInvariant())/$runtimeVersion/tools"
    $crossgen = Get-ChildItem (Join-Path $packages $package) -ErrorAction Ignore |
        Where-Object { $_.Name -in 'crossgen2', 'crossgen2.exe' } | Select-Object -First 1
    # PowerShell hands a file without the execute bit (a package cache unpacked by another user) to the
    # desktop's opener instead of running it.
    $anyExecute = [System.IO.UnixFileMode] 'UserExecute, GroupExecute, OtherExecute'
    $executable = $IsWindows -or ($crossgen -and ($crossgen.UnixFileMode -band $anyExecute))
    if (-not $crossgen -or -not $executable) {
        Write-Warning ("crossgen2 is missing from $package or cannot be executed; the engine stays portable and is " +
            'compiled on first use.')
        return
    }

    # Compiled into a scratch folder, renamed into place only when every assembly compiled. Each assembly is
    # compiled with the others as references; the arguments go through a response file, as PowerShell would
    # expand the wildcards of the reference paths on Unix.
    $nativeName = "core-$os-$architecture-net$([Environment]::Version.Major)"
    $scratch = Join-Path (Split-Path $PortableFolder) "$nativeName.partial"
    Remove-Item -Recurse -Force $scratch -ErrorAction Ignore
    New-Item -ItemType Directory -Path $scratch | Out-Null
    $frameworkFolder = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $responseFile = Join-Path $scratch 'crossgen2.rsp'
    $failure = $null
    foreach ($assembly in Get-ChildItem $PortableFolder -Filter '*.dll') {
        # The shared cmdlet assembly is a reference only: it stays IL, as Windows PowerShell loads it too.
        $compiled = Join-Path $scratch $assembly.Name
        $arguments = @($assembly.FullName, '--out', $compiled, '--targetos', $os, '--targetarch', $architecture,
            '--optimize', '--reference', (Join-Path $frameworkFolder '*.dll'),
            '--reference', (Join-Path $PortableFolder '*.dll'),
            '--reference', (Join-Path $moduleOut 'PbiPreflight.dll'))
        Set-Content -Path $responseFile -Value $arguments

        # Success is an exit code of 0 and the compiled file: a call that never ran sets no exit code.
        $global:LASTEXITCODE = -1
        $output = try { & $crossgen.FullName "@$responseFile" 2>&1 } catch { $_ }
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $compiled)) {
            $failure = "$($assembly.Name): exit code $LASTEXITCODE. $(@($output) | Select-Object -Last 3)"
            break
        }
    }

    $nativeFolder = Join-Path (Split-Path $PortableFolder) $nativeName
    if ($failure) {
        Write-Warning "crossgen2 failed, so the engine stays portable and is compiled on first use: $failure"
        Remove-Item -Recurse -Force $scratch
        return
    }

    Remove-Item $responseFile
    Copy-Item (Join-Path $PortableFolder '*.pdb') $scratch
    Remove-Item -Recurse -Force $nativeFolder -ErrorAction Ignore
    Rename-Item $scratch $nativeName
}

function Invoke-Build {
    Write-Host "Building PbiPreflight ($Configuration)..."
    $solution = Join-Path $root 'PbiPreflight.sln'
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '--nologo', '--verbosity', 'quiet')

    if (Test-Path $moduleOut) {
        Remove-Item -Recurse -Force $moduleOut
    }

    # The cmdlet assembly goes at the top of the module: it is all PowerShell loads into its default context. The
    # engine and its dependencies (MSAL, Polly, and for Windows PowerShell System.Text.Json) go below engine/, one
    # build per edition, loaded privately when a cmdlet first runs. PowerShellStandard.Library is reference-only.
    Invoke-Dotnet @('publish', (Join-Path $root 'src/PbiPreflight/PbiPreflight.csproj'), '-c', $Configuration,
        '-o', $moduleOut, '--no-build', '--nologo', '--verbosity', 'quiet')
    $engineProject = Join-Path $root 'src/PbiPreflight.Core/PbiPreflight.Core.csproj'
    $engines = @(@{ Framework = 'net8.0'; Folder = 'core' }, @{ Framework = 'netstandard2.0'; Folder = 'desktop' })
    foreach ($engine in $engines) {
        $engineOut = Join-Path $moduleOut "engine/$($engine.Folder)"
        $publish = @('publish', $engineProject, '-c', $Configuration, '-f', $engine.Framework, '-o', $engineOut,
            '--nologo', '--verbosity', 'quiet')
        Invoke-Dotnet ($publish + '--no-build')

        # The shared types must exist once, at the top: a second copy beside the engine would be a second type.
        Remove-Item (Join-Path $engineOut 'PbiPreflight.dll'), (Join-Path $engineOut 'PbiPreflight.pdb') `
            -ErrorAction Ignore
        if ($engine.Folder -eq 'core') {
            Invoke-AheadOfTimeCompile $engineOut
        }
    }

    Get-ChildItem $moduleOut -Filter '*.deps.json' -Recurse | Remove-Item
    if (Get-ChildItem $moduleOut -Filter 'System.Management.Automation.dll' -Recurse) {
        throw 'System.Management.Automation.dll must not ship with the module.'
    }

    $version = Get-ModuleVersion
    $manifest = Get-Content -Raw (Join-Path $root 'PbiPreflight.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)=\s*'[^']*'", "ModuleVersion`$1= '$version'"
    Set-Content -Path (Join-Path $moduleOut 'PbiPreflight.psd1') -Value $manifest -Encoding utf8
    # The help sources become MAML below; the module ships the MAML, not its sources.
    Get-ChildItem (Join-Path $root 'module') -Exclude 'help' | Copy-Item -Destination $moduleOut -Recurse -Force
    Invoke-HelpBuild

    Invoke-Dotnet @('publish', (Join-Path $root 'src/PbiPreflight.Emulator/PbiPreflight.Emulator.csproj'),
        '-c', $Configuration, '-o', $emulatorOut, '--no-build', '--nologo', '--verbosity', 'quiet')

    Write-Host "Module laid out in $moduleOut (version $version); emulator in $emulatorOut."
}

function Invoke-HelpBuild {
    # A fresh PowerShell imports the module just laid out, so the help describes exactly its cmdlets and this
    # session never loads the assemblies it may rebuild.
    $builder = Join-Path $root 'tests/tools/HelpBuilder.psm1'
    $manifestPath = Join-Path $moduleOut 'PbiPreflight.psd1'
    $helpOut = Join-Path $moduleOut 'en-US'
    $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$builder'; " +
        "`$result = Export-ModuleHelp -ModulePath '$manifestPath' -SourcePath '$helpSources' -OutputPath '$helpOut'; " +
        "Write-Host ('Help for ' + `$result.Commands + ' cmdlet(s) written to ' + `$result.Path + ', ' + " +
        "`$result.Problems.Count + ' gap(s).')"
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command
    if ($LASTEXITCODE -ne 0) {
        throw "Generating the help failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Package {
    if (-not $NoBuild) {
        Invoke-Build
    }

    $manifestPath = Join-Path $moduleOut 'PbiPreflight.psd1'
    if (-not (Test-Path $manifestPath)) {
        throw "No module in $moduleOut; run the Build task first or leave out -NoBuild."
    }

    # The layout Publish-PSResource and Install-PSResource use: <name>/<version>/. The whole module folder is
    # copied, whatever assemblies and subfolders it holds.
    $version = Get-ModuleVersion
    $layout = Join-Path $packageOut "PbiPreflight/$version"
    if (Test-Path $packageOut) {
        Remove-Item -Recurse -Force $packageOut
    }

    New-Item -ItemType Directory -Force -Path $layout | Out-Null
    Copy-Item -Path (Join-Path $moduleOut '*') -Destination $layout -Recurse -Force

    # A really published package, from a local file repository registered for this call only: its name is
    # unique and it is unregistered whatever happens, so the user's own repositories are left as they were.
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    $repositoryName = 'PbiPreflightBuild-' + [guid]::NewGuid().ToString('N')
    $repositoryPath = Join-Path ([System.IO.Path]::GetTempPath()) $repositoryName
    New-Item -ItemType Directory -Path $repositoryPath | Out-Null
    try {
        Register-PSResourceRepository -Name $repositoryName -Uri $repositoryPath -Trusted
        Publish-PSResource -Path $layout -Repository $repositoryName
        $published = Get-ChildItem $repositoryPath -Filter '*.nupkg' | Select-Object -First 1
        if (-not $published) {
            throw "Publish-PSResource left no .nupkg in $repositoryPath."
        }

        $nupkg = Join-Path $packageOut $published.Name
        Copy-Item $published.FullName $nupkg
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName -ErrorAction Ignore
        Remove-Item -Recurse -Force $repositoryPath -ErrorAction Ignore
    }

    Assert-PackageContent -Path $nupkg
    Write-Host "Package laid out in $layout; published as $nupkg."
}

function Assert-PackageContent {
    # What makes the module usable once installed: a package without any of these installs but does not work.
    param([string] $Path)

    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $archive = [System.IO.Compression.ZipFile]::OpenRead($Path)
    try {
        $entries = @($archive.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) })
    }
    finally {
        $archive.Dispose()
    }

    $required = @(
        'PbiPreflight.psd1', 'PbiPreflight.dll', 'PbiPreflight.Format.ps1xml', 'PbiPreflight.Types.ps1xml',
        'en-US/PbiPreflight.dll-Help.xml', 'en-US/about_PbiPreflight.help.txt'
    )
    $missing = @($required | Where-Object { $_ -notin $entries })
    if ($missing.Count -gt 0) {
        throw "$Path lacks $($missing -join ', ')."
    }
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
    # The proxy tests need a real forward proxy (tinyproxy) and the report test a real browser (chromium, run
    # headless for a screenshot). CI runs as root on Debian, where they can be installed; elsewhere those tests
    # say they were skipped and name the package.
    # Debian names both the package and its command the same.
    $missing = @('tinyproxy', 'chromium' | Where-Object { -not (Get-Command $_ -ErrorAction Ignore) })
    if ($missing.Count -eq 0) {
        return
    }

    $isRootOnDebian = $IsLinux -and (Test-Path /etc/debian_version) -and ((& id -u) -eq '0')
    if (-not $isRootOnDebian) {
        Write-Host ("$($missing -join ', ') not installed and cannot be installed here; the tests that need " +
            'them will be skipped.')
        return
    }

    Write-Host "Installing $($missing -join ', ') (Debian packages) for the tests..."
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -qq | Out-Host
    & apt-get install -y -qq @missing | Out-Host
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
    'Package' { Invoke-Package }
    'Bench' { Invoke-Bench }
    'Clean' { Invoke-Clean }
}
