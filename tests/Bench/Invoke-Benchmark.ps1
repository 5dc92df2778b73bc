<#
.SYNOPSIS
    Measures what the module adds on top of the network round trips and the service's scan time.

.DESCRIPTION
    Runs five measurements against the emulator, each a ratio of two figures taken in the same run, prints them
    as a table with their targets and a PASS or FAIL, and writes the same table, with the machine, the date and
    the command, between the markers of docs/benchmarks.md. Every workload runs in a fresh child PowerShell, as
    a user's session would; the timings are taken around the cmdlet calls, never inside the module.

    Expects the module and the emulator built in out/ (build.ps1 -Task Build), the empty baseline module built
    in out/bench/EmptyModule, and SSL_CERT_FILE pointing at the emulator's test authority: build.ps1 -Task Bench
    does all three.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench -LatencyMs 100 -ScanDurationMs 1000
#>
[CmdletBinding()]
param(
    # The delay the emulator adds to every answer: one network round trip.
    [ValidateRange(0, 5000)]
    [int] $LatencyMs = 100,

    # How long every emulated scan takes.
    [ValidateRange(0, 60000)]
    [int] $ScanDurationMs = 1000,

    # Timed runs per figure; the median is kept.
    [ValidateRange(1, 50)]
    [int] $Runs = 5,

    # New processes per side of the cold start; the median is kept.
    [ValidateRange(1, 50)]
    [int] $ColdStartRuns = 7,

    # Some rows only, while working on one; the report file is then left alone.
    [ValidateSet('CriticalPath', 'ColdStart', 'TenantScale', 'SampleScale', 'ManyTenants')]
    [string[]] $Only = @(),

    [string] $ReportPath = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'docs/benchmarks.md'),

    # How the run was started, for the report.
    [string] $Command = "dotnet pwsh ./build.ps1 -Task Bench -LatencyMs $LatencyMs -ScanDurationMs $ScanDurationMs"
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Import-Module (Join-Path $root 'tests/TestKit.psm1') -Force
$modulePath = Join-Path $root 'out/PbiPreflight/PbiPreflight.psd1'
$emptyModulePath = Join-Path $root 'out/bench/EmptyModule/PbiBenchEmpty.psd1'
$pwsh = Join-Path $PSHOME 'pwsh.dll'
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-bench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null

# The dependency chain of a healthy Invoke-PbiPreflight, read from the engine (docs/benchmarks.md explains it):
# each step needs the answer of the one before, and everything else the run does overlaps with them.
$criticalChain = @(
    @{ Step = 'token'; Pattern = '^POST /[^/]+/oauth2/v2\.0/token$' }
    @{ Step = 'admin/groups'; Pattern = '^GET /v1\.0/myorg/admin/groups\?' }
    @{ Step = 'getInfo'; Pattern = '^POST /v1\.0/myorg/admin/workspaces/getInfo\?' }
    @{ Step = 'scanStatus'; Pattern = '^GET /v1\.0/myorg/admin/workspaces/scanStatus/' }
    @{ Step = 'scanResult'; Pattern = '^GET /v1\.0/myorg/admin/workspaces/scanResult/' }
)

# Every request a healthy run needs, and how many of each: the Power BI and the Graph token, the two listings,
# the tenant settings, two Graph membership reads, the app registration, the scanner's three calls and the
# refreshables. Status polls are needed until the scan is done; their number is reported on its own.
$neededRequests = [ordered]@{
    'token'              = @{ Pattern = '^POST /[^/]+/oauth2/v2\.0/token$'; Count = 2 }
    'groups'             = @{ Pattern = '^GET /v1\.0/myorg/groups\?'; Count = 1 }
    'admin/groups'       = @{ Pattern = '^GET /v1\.0/myorg/admin/groups\?'; Count = 1 }
    'tenantsettings'     = @{ Pattern = '^GET /v1/admin/tenantsettings$'; Count = 1 }
    'memberOf'           = @{ Pattern = '^GET /v1\.0/servicePrincipals\([^)]*\)/memberOf\?'; Count = 1 }
    'transitiveMemberOf' = @{ Pattern = '^GET /v1\.0/servicePrincipals\([^)]*\)/transitiveMemberOf\?'; Count = 1 }
    'applications'       = @{ Pattern = '^GET /v1\.0/applications\('; Count = 1 }
    'getInfo'            = @{ Pattern = '^POST /v1\.0/myorg/admin/workspaces/getInfo\?'; Count = 1 }
    'scanStatus'         = @{ Pattern = '^GET /v1\.0/myorg/admin/workspaces/scanStatus/'; Count = -1 }
    'scanResult'         = @{ Pattern = '^GET /v1\.0/myorg/admin/workspaces/scanResult/'; Count = 1 }
    'refreshables'       = @{ Pattern = '^GET /v1\.0/myorg/admin/capacities/refreshables\?'; Count = 1 }
}

function Get-Median {
    param([double[]] $Values)

    $sorted = @($Values | Sort-Object)
    $middle = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2 -eq 1) {
        return $sorted[$middle]
    }

    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function Join-Milliseconds {
    # Whole milliseconds, comma separated, for the raw figures.
    param([double[]] $Values)

    return ($Values | ForEach-Object { [int]$_ }) -join ', '
}

function Join-OrNone {
    param([object[]] $Values, [string] $Separator)

    if ($Values) { return $Values -join $Separator } else { return 'none' }
}

function Get-Verdict {
    param([bool] $Pass)

    if ($Pass) { return 'PASS' } else { return 'FAIL' }
}

function New-Scenario {
    # A scenario file over a shipped one, with the benchmark's latency and scan time.
    param([string] $Name, [hashtable] $Fields = @{})

    $scenario = [ordered]@{ base = 'healthy'; latencyMs = $LatencyMs; scanDurationMs = $ScanDurationMs }
    foreach ($key in $Fields.Keys) {
        $scenario[$key] = $Fields[$key]
    }

    $path = Join-Path $work "$Name.json"
    $scenario | ConvertTo-Json -Depth 6 | Set-Content -Path $path -Encoding utf8
    return $path
}

function Invoke-BenchChild {
    # Runs one workload of BenchChild.ps1 in a fresh PowerShell; the spec, secrets included, goes through the
    # child's environment.
    param([string] $Mode, [object[]] $Emulators, [hashtable] $Settings = @{})

    $spec = @{ Mode = $Mode; ModulePath = $modulePath; Runs = $Runs; Emulators = @($Emulators |
        Select-Object url, tenantId, clientId, clientSecret, @{ Name = 'tenants'; Expression = {
            if ($_.PSObject.Properties['tenants']) { $_.tenants } else { $null } } }) }
    foreach ($key in $Settings.Keys) {
        $spec[$key] = $Settings[$key]
    }

    $resultPath = Join-Path $work "$Mode-result.json"
    $env:PBI_BENCH_SPEC = $spec | ConvertTo-Json -Depth 6 -Compress
    try {
        $console = & dotnet $pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'BenchChild.ps1') `
            -ResultPath $resultPath 2>&1 | Out-String
    }
    finally {
        $env:PBI_BENCH_SPEC = $null
    }

    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $resultPath)) {
        throw "The $Mode workload failed (exit code $LASTEXITCODE): $console"
    }

    return Get-Content -Raw $resultPath | ConvertFrom-Json
}

function Get-RequestKind {
    # The first name in $neededRequests whose pattern matches, or the request itself when none does.
    param($Request)

    $line = "$($Request.method) $($Request.path)"
    foreach ($name in $neededRequests.Keys) {
        if ($line -match $neededRequests[$name].Pattern) {
            return $name
        }
    }

    return $line
}

function Get-UnneededRequest {
    # Requests beyond what the result needs: anything not in the list, more of a kind than needed, or refused.
    param([object[]] $Requests)

    $unneeded = [System.Collections.Generic.List[string]]::new()
    $groups = $Requests | Group-Object { Get-RequestKind $_ }
    foreach ($group in $groups) {
        $needed = $neededRequests[$group.Name]
        if (-not $needed) {
            $unneeded.Add("$($group.Count) x $($group.Name)")
        }
        elseif ($needed.Count -ge 0 -and $group.Count -gt $needed.Count) {
            $unneeded.Add("$($group.Count - $needed.Count) more $($group.Name)")
        }
    }

    foreach ($request in $Requests | Where-Object { $_.status -ge 400 }) {
        $unneeded.Add("$($request.method) $($request.path) answered $($request.status)")
    }

    return $unneeded
}

function Get-Finish {
    # When the emulator finished answering a request, in milliseconds on one clock.
    param($Request)

    return ([DateTimeOffset] $Request.time).ToUnixTimeMilliseconds() + [double] $Request.durationMs
}

function Measure-CriticalPath {
    $emulator = Start-PbiEmulator -Scenario (New-Scenario 'critical-path')
    try {
        $result = Invoke-BenchChild -Mode CriticalPath -Emulators $emulator
    }
    finally {
        $emulator | Stop-PbiEmulator
    }

    $bound = $criticalChain.Count * $LatencyMs + $ScanDurationMs
    $median = Get-Median ($result.Runs | ForEach-Object Ms)
    $last = $result.Runs[-1]
    $requests = @($last.Requests)
    $unneeded = @(Get-UnneededRequest $requests)
    $missing = @($neededRequests.Keys | Where-Object {
        $pattern = $neededRequests[$_].Pattern
        -not ($requests | Where-Object { "$($_.method) $($_.path)" -match $pattern })
    })
    $polls = @($requests | Where-Object { (Get-RequestKind $_) -eq 'scanStatus' })
    $getInfo = $requests | Where-Object { (Get-RequestKind $_) -eq 'getInfo' } | Select-Object -First 1
    $done = $polls | Where-Object { $_.status -eq 200 } | Select-Object -Last 1
    $overshoot = if ($getInfo -and $done) { (Get-Finish $done) - (Get-Finish $getInfo) - $ScanDurationMs } else { $null }
    $failed = @($last.Results | Where-Object Status -ne 'Passed')
    $ratio = $median / $bound
    $pass = $ratio -le 1.15 -and $unneeded.Count -eq 0 -and $missing.Count -eq 0 -and $failed.Count -eq 0

    $chain = ($criticalChain | ForEach-Object Step) -join ' -> '
    $requestKinds = ($requests | Group-Object { Get-RequestKind $_ } |
        ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '
    $overshootText = if ($null -ne $overshoot) { [int]$overshoot } else { '?' }
    $raw = @(
        "median $([int]$median) ms of $($result.Runs.Count) warm runs ($(Join-Milliseconds $result.Runs.Ms))"
        "bound $bound ms = $($criticalChain.Count) round trips ($chain) x $LatencyMs ms + $ScanDurationMs ms scan"
        "$($requests.Count) requests: $requestKinds"
        "status polls $($polls.Count); last poll answered $overshootText ms after the scan could be done"
        "unneeded: $(Join-OrNone $unneeded '; '); missing: $(Join-OrNone $missing ', ')"
    )
    if ($failed) {
        $raw += "checks not passed: $(($failed | ForEach-Object { "$($_.Check) $($_.Reason)" }) -join ', ')"
    }

    return [pscustomobject]@{
        Row = '1. Critical path'; Measured = "$([int]$median) ms"; Against = "$bound ms bound"
        Ratio = '{0:0.00}x' -f $ratio; Target = '<= 1.15x, no unneeded request'; Result = Get-Verdict $pass
        Raw = $raw
    }
}

function Measure-ColdStart {
    $emulator = Start-PbiEmulator -Scenario (New-Scenario 'cold-start')
    $real = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$modulePath'
`$secret = ConvertTo-SecureString -String `$env:PBI_BENCH_SECRET -AsPlainText -Force
`$result = Test-PbiCredentialScope -TenantId `$env:PBI_BENCH_TENANT -ClientId `$env:PBI_BENCH_CLIENT ``
    -ClientSecret `$secret -Environment Custom -AuthorityHost `$env:PBI_BENCH_URL -ApiBaseUri `$env:PBI_BENCH_URL
if (@(`$result | Where-Object Status -eq 'Failed').Count -gt 0) { exit 3 }
"@
    $empty = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$emptyModulePath'
`$secret = ConvertTo-SecureString -String `$env:PBI_BENCH_SECRET -AsPlainText -Force
if (-not (Get-BenchNothing)) { exit 3 }
"@
    $scripts = @{ Real = Join-Path $work 'cold-real.ps1'; Empty = Join-Path $work 'cold-empty.ps1' }
    Set-Content -Path $scripts.Real -Value $real -Encoding utf8
    Set-Content -Path $scripts.Empty -Value $empty -Encoding utf8

    $variables = @{
        PBI_BENCH_SECRET = $emulator.clientSecret; PBI_BENCH_TENANT = $emulator.tenantId
        PBI_BENCH_CLIENT = $emulator.clientId; PBI_BENCH_URL = $emulator.url
    }
    $times = @{
        Real = [System.Collections.Generic.List[double]]::new()
        Empty = [System.Collections.Generic.List[double]]::new()
    }
    foreach ($name in $variables.Keys) {
        [Environment]::SetEnvironmentVariable($name, $variables[$name])
    }

    try {
        # One untimed start of each warms the disk cache; then the two alternate, so a busy moment of the
        # shared machine falls on both alike.
        foreach ($index in 0..$ColdStartRuns) {
            foreach ($side in 'Empty', 'Real') {
                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $console = & dotnet $pwsh -NoProfile -NonInteractive -File $scripts[$side] 2>&1 | Out-String
                $stopwatch.Stop()
                if ($LASTEXITCODE -ne 0) {
                    throw "The cold start of the $side module failed (exit code $LASTEXITCODE): $console"
                }

                if ($index -gt 0) {
                    $times[$side].Add($stopwatch.Elapsed.TotalMilliseconds)
                }
            }
        }
    }
    finally {
        foreach ($name in $variables.Keys) {
            [Environment]::SetEnvironmentVariable($name, $null)
        }

        $emulator | Stop-PbiEmulator
    }

    $realMedian = Get-Median $times.Real
    $emptyMedian = Get-Median $times.Empty
    $difference = $realMedian - $emptyMedian
    return [pscustomobject]@{
        Row = '2. Cold start'; Measured = "$([int]$realMedian) ms"; Against = "$([int]$emptyMedian) ms empty module"
        Ratio = "+$([int]$difference) ms"; Target = '< +400 ms'; Result = Get-Verdict ($difference -lt 400)
        Raw = @(
            ("new pwsh + Import-Module + Test-PbiCredentialScope (two tokens at once, then the secret's expiry " +
                "from Graph: two round trips of $LatencyMs ms): " +
                "$(Join-Milliseconds $times.Real) ms")
            "new pwsh + Import-Module of an empty binary module + one trivial cmdlet: $(Join-Milliseconds $times.Empty) ms"
            "medians of $ColdStartRuns each, after one untimed start of each"
        )
    }
}

function Measure-TenantScale {
    $sizes = 100, 10000, 100000
    $emulators = foreach ($size in $sizes) {
        $fields = @{ generate = @{ workspaces = $size; datasetsPerWorkspace = 1; tablesPerDataset = 1 } }
        Start-PbiEmulator -Scenario (New-Scenario "tenant-$size" $fields)
    }

    try {
        $result = Invoke-BenchChild -Mode TenantScale -Emulators $emulators -Settings @{ Sizes = $sizes }
    }
    finally {
        $emulators | Stop-PbiEmulator
    }

    $figures = foreach ($size in $sizes) {
        # Not $runs: PowerShell's names ignore case, and $Runs is the parameter.
        $sizeRuns = @($result.Runs | Where-Object Workspaces -eq $size)
        [pscustomobject]@{
            Size     = $size
            Median   = Get-Median ($sizeRuns | ForEach-Object Ms)
            Module   = Get-Median ($sizeRuns | ForEach-Object { $_.Ms - (Get-EmulatorWork $_.Requests) })
            Work     = Get-Median ($sizeRuns | ForEach-Object { Get-EmulatorWork $_.Requests })
            Requests = @($sizeRuns | ForEach-Object { @($_.Requests).Count } | Sort-Object -Unique)
            Calls    = @($sizeRuns | ForEach-Object {
                (@($_.Requests | ForEach-Object { "$($_.method) $($_.path)" }) | Sort-Object) -join "`n"
            } | Sort-Object -Unique)
            Counted  = $sizeRuns[-1].Counted
            Passed   = @($sizeRuns[-1].Results | Where-Object Status -ne 'Passed').Count -eq 0
        }
    }

    $small = $figures[0]
    $large = $figures[-1]
    $ratio = $large.Module / $small.Module
    $sameCalls = @($figures | ForEach-Object { $_.Calls } | Sort-Object -Unique).Count -eq 1
    $pass = $ratio -le 1.1 -and $sameCalls -and @($figures | Where-Object { -not $_.Passed }).Count -eq 0
    $raw = @($figures | ForEach-Object {
        "$($_.Size) generated workspaces (admin listing counted $($_.Counted)): Test-PbiWorkspacePermission " +
        "median $([int]$_.Median) ms wall, of which $([int]$_.Work) ms the emulator's own work beyond the " +
        "latency, $([int]$_.Module) ms without it; $($_.Requests -join '/') requests"
    })
    $raw += "the same requests, path and query, at every size: $sameCalls"
    $raw += "medians of $Runs warm runs per size, the sizes taken in turn"
    return [pscustomobject]@{
        Row = '3. Scale of the tenant'; Measured = "$([int]$large.Module) ms"; Against = "$([int]$small.Module) ms"
        Ratio = '{0:0.00}x' -f $ratio; Target = '<= 1.1x, same requests'
        Result = Get-Verdict $pass; Raw = $raw
    }
}

function Get-EmulatorWork {
    # What the emulator spent on the workspace check beyond its set latency, on the path the wall time waits for:
    # the token, then the slower of the two listings, which run together. The emulator filters all its generated
    # workspaces to count the active ones; a real service answers from an index, so this time is the
    # instrument's, not the module's.
    param([object[]] $Requests)

    $extra = { param($Request) [Math]::Max(0, [double] $Request.durationMs - $LatencyMs) }
    $token = @($Requests | Where-Object { (Get-RequestKind $_) -eq 'token' } | ForEach-Object { & $extra $_ })
    $listings = @($Requests | Where-Object { (Get-RequestKind $_) -in 'groups', 'admin/groups' } |
        ForEach-Object { & $extra $_ })
    return ($token | Measure-Object -Sum).Sum + ($listings | Measure-Object -Maximum).Maximum
}

function Measure-SampleScale {
    # 100 workspaces of 10 datasets with 120 tables each make a scan result of about 50 MB.
    $fields = @{ generate = @{ workspaces = 100; datasetsPerWorkspace = 10; tablesPerDataset = 120 } }
    $emulator = Start-PbiEmulator -Scenario (New-Scenario 'sample-scale' $fields)
    $bodyPath = Join-Path $work 'scan-result.json'
    try {
        $result = Invoke-BenchChild -Mode SampleScale -Emulators $emulator -Settings @{
            SampleSize = 100; BodyPath = $bodyPath
        }
    }
    finally {
        $emulator | Stop-PbiEmulator
    }

    try {
        $parsing = @((Invoke-BenchChild -Mode ScanParsing -Emulators @() -Settings @{ BodyPath = $bodyPath }).Parsing)
    }
    finally {
        Remove-Item $bodyPath -ErrorAction Ignore
    }

    $bytes = [double] $result.ScanResultBytes
    $growth = [double] $result.PeakWorkingSet - [double] $result.WorkingSetBefore
    # The first parse in the process is the one a session waits for; the later ones are shown beside it.
    $parse = $parsing[0].Ms
    $warmParse = Get-Median ($parsing | Select-Object -Skip 1 | ForEach-Object Ms)
    $memoryRatio = $growth / $bytes
    $failed = @($result.Results | Where-Object Status -ne 'Passed')
    $pass = $memoryRatio -lt 2 -and $parse -lt 1000 -and $failed.Count -eq 0
    $mb = { param($value) '{0:0.0} MB' -f ($value / 1MB) }
    $raw = @(
        ("Test-PbiMetadataScan -SampleSize 100: $([int]$result.Ms) ms, $($result.Sampled) workspaces sampled, " +
            "scan result $(& $mb $bytes) (the largest response)")
        ("working set $(& $mb $result.WorkingSetBefore) before, peak $(& $mb $result.PeakWorkingSet) during " +
            "(peak reset before the run: $($result.PeakWasReset)); growth $(& $mb $growth) = " +
            ('{0:0.00}x the scan result' -f $memoryRatio))
        "parsing: the module's scan result reader over the same $(& $mb $parsing[0].Bytes) held in memory, in a " +
            "fresh process: first $([int]$parse) ms, then median $([int]$warmParse) ms of $($parsing.Count - 1) " +
            "more ($($parsing[0].Workspaces) workspaces, $($parsing[0].Datasets) datasets)"
    )
    if ($failed) {
        $raw += "checks not passed: $(($failed | ForEach-Object { "$($_.Check) $($_.Reason)" }) -join ', ')"
    }

    return [pscustomobject]@{
        Row = '4. Scale of the sample'; Measured = "+$(& $mb $growth), parse $([int]$parse) ms"
        Against = "$(& $mb $bytes) response"
        Ratio = '{0:0.00}x' -f $memoryRatio; Target = '< 2x, parse < 1 s'; Result = Get-Verdict $pass
        Raw = $raw
    }
}

function Measure-ManyTenants {
    $tenants = 50
    $throttleLimit = 10
    $notRun = {
        param($Why)
        [pscustomobject]@{
            Row = '5. Many tenants'; Measured = '-'; Against = '-'; Ratio = '-'; Target = '< 7x one tenant'
            Result = "NOT RUN: $Why"; Raw = @()
        }
    }

    try {
        $emulator = Start-PbiEmulator -Scenario (New-Scenario 'many-tenants' @{ tenants = $tenants })
    }
    catch {
        Write-Host "  The emulator refused the many-tenant scenario: $($_.Exception.Message.Split("`n")[0])"
        return & $notRun "the emulator of this build refuses a scenario with `"tenants`": $tenants"
    }

    try {
        if (-not $emulator.PSObject.Properties['tenants'] -or @($emulator.tenants).Count -ne $tenants) {
            return & $notRun "the emulator's ready line has no 'tenants' array of $tenants in this build"
        }

        $result = Invoke-BenchChild -Mode ManyTenants -Emulators $emulator -Settings @{ ThrottleLimit = $throttleLimit }
    }
    finally {
        $emulator | Stop-PbiEmulator
    }

    if ($result.PSObject.Properties['NotRun']) {
        return & $notRun $result.NotRun
    }

    $single = Get-Median $result.SingleMs
    $ratio = $result.AllMs / $single
    $tenantsSeen = @($result.Requests | Where-Object { $_.PSObject.Properties['tenantId'] -and $_.tenantId } |
        ForEach-Object tenantId | Sort-Object -Unique).Count
    $failed = @($result.Results | Where-Object Status -ne 'Passed')
    $pass = $ratio -lt 7 -and $failed.Count -eq 0
    $raw = @(
        ("$($result.Tenants) tenants piped into Invoke-PbiPreflight -ThrottleLimit ${throttleLimit}: " +
            "$([int]$result.AllMs) ms, $(@($result.Requests).Count) requests from $tenantsSeen tenants")
        ("one tenant: median $([int]$single) ms of $(@($result.SingleMs).Count) warm runs; " +
            "ideal $($tenants / $throttleLimit)x")
    )
    if ($failed) {
        $raw += "$($failed.Count) results not passed, first: $($failed[0].Check) $($failed[0].Reason)"
    }

    return [pscustomobject]@{
        Row = '5. Many tenants'; Measured = "$([int]$result.AllMs) ms"; Against = "$([int]$single) ms one tenant"
        Ratio = '{0:0.00}x' -f $ratio; Target = '< 7x one tenant'; Result = Get-Verdict $pass
        Raw = $raw
    }
}

function Get-MachineDescription {
    $cpu = if (Test-Path /proc/cpuinfo) {
        $modelLine = Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1
        $modelLine -replace '^[^:]*:\s*', ''
    }
    $memory = if (Test-Path /proc/meminfo) {
        $kb = [long]((Get-Content /proc/meminfo | Where-Object { $_ -like 'MemTotal:*' }) -split '\s+')[1]
        '{0:0.0} GB' -f ($kb / 1MB)
    }
    $os = if (Test-Path /etc/os-release) {
        (Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace '^PRETTY_NAME="?([^"]*)"?$', '$1'
    }
    else {
        [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
    }
    $load = if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } else { 'unknown' }
    $runtime = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    return "$cpu, $([Environment]::ProcessorCount) cores, $memory; $os; " +
        "$runtime, PowerShell $($PSVersionTable.PSVersion); " +
        "load average at start $load"
}

function Format-Report {
    param([object[]] $Rows, [string] $Machine, [string] $Date)

    $lines = @(
        "Measured $Date on $Machine."
        ''
        "Command: ``$Command``"
        ''
        '| Row | Measured | Against | Ratio | Target | Result |'
        '| --- | --- | --- | --- | --- | --- |'
    )
    $lines += $Rows | ForEach-Object {
        "| $($_.Row) | $($_.Measured) | $($_.Against) | $($_.Ratio) | $($_.Target) | $($_.Result) |"
    }
    $lines += ''
    $lines += 'Raw figures:'
    $lines += ''
    foreach ($row in $Rows) {
        $lines += "- $($row.Row)"
        $lines += $row.Raw | ForEach-Object { "  - $_" }
    }

    return $lines
}

function Write-Report {
    # Replaces what lies between the markers; the explanations around them are written by hand.
    param([string[]] $Lines)

    $begin = '<!-- bench:begin (written by build.ps1 -Task Bench; do not edit by hand) -->'
    $end = '<!-- bench:end -->'
    $text = if (Test-Path $ReportPath) { Get-Content -Raw $ReportPath } else { "# Benchmarks`n`n$begin`n$end`n" }
    $start = $text.IndexOf($begin)
    $stop = $text.IndexOf($end)
    if ($start -lt 0 -or $stop -lt $start) {
        throw "$ReportPath has no '$begin' ... '$end' markers to write the table between."
    }

    $block = $begin + "`n" + ($Lines -join "`n") + "`n" + $end
    $text = $text.Substring(0, $start) + $block + $text.Substring($stop + $end.Length)
    Set-Content -Path $ReportPath -Value $text.TrimEnd() -Encoding utf8
}

try {
    $machine = Get-MachineDescription
    $date = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC'
    Write-Host "Benchmark: latency $LatencyMs ms, scan $ScanDurationMs ms, $Runs runs per figure."
    $all = 'CriticalPath', 'ColdStart', 'TenantScale', 'SampleScale', 'ManyTenants'
    $chosen = if ($Only) { $all | Where-Object { $_ -in $Only } } else { $all }
    $rows = foreach ($measure in $chosen | ForEach-Object { "Measure-$_" }) {
        Write-Host "Running $measure..."
        $row = & $measure
        Write-Host "  $($row.Result): $($row.Measured) against $($row.Against) ($($row.Ratio))"
        $row
    }

    $lines = Format-Report -Rows $rows -Machine $machine -Date $date
    Write-Host ''
    $lines | ForEach-Object { Write-Host $_ }
    if (-not $Only) {
        Write-Report -Lines $lines
        Write-Host ''
        Write-Host "Written to $ReportPath."
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
