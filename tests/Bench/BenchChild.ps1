<#
.SYNOPSIS
    One benchmark workload, run in a fresh PowerShell started by Invoke-Benchmark.ps1.

.DESCRIPTION
    Reads what to do from the PBI_BENCH_SPEC environment variable (JSON: the mode, the module's path, the
    emulators' ready lines with their credentials, and the mode's settings), so that no secret reaches a command
    line or a file. Writes its measurements as JSON to -ResultPath. Timings are taken here, around the cmdlet
    calls, never inside the module.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version Latest

$spec = $env:PBI_BENCH_SPEC | ConvertFrom-Json
$env:PBI_BENCH_SPEC = $null
Import-Module $spec.ModulePath

function Get-Connection {
    # The parameters that point the module at one emulated tenant.
    param($Emulator, $Tenant = $Emulator)

    return @{
        TenantId      = $Tenant.tenantId
        ClientId      = $Tenant.clientId
        ClientSecret  = ConvertTo-SecureString -String $Tenant.clientSecret -AsPlainText -Force
        Environment   = 'Custom'
        AuthorityHost = $Emulator.url
        ApiBaseUri    = $Emulator.url
    }
}

function Clear-RequestLog {
    param($Emulator)

    Invoke-RestMethod -Method Delete -Uri ($Emulator.url + '/_emulator/requests') | Out-Null
}

function Get-RequestLog {
    param($Emulator)

    # The control API answers one JSON array; unrolled so that @(...) counts requests.
    @(Invoke-RestMethod -Uri ($Emulator.url + '/_emulator/requests') | ForEach-Object { $_ })
}

function Measure-Call {
    # Runs the script block once and returns its wall time in milliseconds and what it wrote.
    param([scriptblock] $Call)

    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @(& $Call)
    $stopwatch.Stop()
    return [pscustomobject]@{ Ms = $stopwatch.Elapsed.TotalMilliseconds; Output = $output }
}

function Get-ResultSummary {
    param($Results)

    @($Results | Where-Object { $_ -is [PbiPreflight.CheckResult] } |
        ForEach-Object { [pscustomobject]@{ Check = $_.Check; Status = "$($_.Status)"; Reason = $_.Reason } })
}

function Invoke-CriticalPath {
    # Warm: the module is imported and one run is done before the timed ones.
    $emulator = $spec.Emulators[0]
    $connection = Get-Connection $emulator
    Invoke-PbiPreflight @connection | Out-Null

    $runs = foreach ($index in 1..$spec.Runs) {
        Clear-RequestLog $emulator
        $run = Measure-Call { Invoke-PbiPreflight @connection }
        [pscustomobject]@{
            Ms       = $run.Ms
            Results  = Get-ResultSummary $run.Output
            Requests = Get-RequestLog $emulator
        }
    }

    return @{ Runs = @($runs) }
}

function Invoke-TenantScale {
    # One warm-up per tenant size, then rounds that take the sizes in turn, so that a busy moment of the shared
    # machine falls on all sizes alike rather than on one.
    $connections = @($spec.Emulators | ForEach-Object { Get-Connection $_ })
    foreach ($connection in $connections) {
        Test-PbiWorkspacePermission @connection | Out-Null
    }

    $runs = foreach ($round in 1..$spec.Runs) {
        for ($index = 0; $index -lt $connections.Count; $index++) {
            $emulator = $spec.Emulators[$index]
            $connection = $connections[$index]
            Clear-RequestLog $emulator
            $run = Measure-Call { Test-PbiWorkspacePermission @connection }
            [pscustomobject]@{
                Workspaces = $spec.Sizes[$index]
                Ms         = $run.Ms
                Results    = Get-ResultSummary $run.Output
                Requests   = Get-RequestLog $emulator
                Counted    = @($run.Output | Where-Object Check -eq 'WorkspacePermission.AdminApi' |
                    ForEach-Object { $_.Details['WorkspaceCount'] })[0]
            }
        }
    }

    return @{ Runs = @($runs) }
}

function Get-PeakWorkingSet {
    # Linux keeps the peak resident set in VmHWM, and resets it when 5 is written to clear_refs; elsewhere the
    # process's lifetime peak is the best there is (it can only overstate the growth).
    if (Test-Path /proc/self/status) {
        $line = Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }
        return [long](($line -split '\s+')[1]) * 1024
    }

    return [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
}

function Reset-PeakWorkingSet {
    if (Test-Path /proc/self/clear_refs) {
        [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5')
        return $true
    }

    return $false
}

function Get-ScanResultBody {
    # The scan result as a plain client gets it, outside the module: token, getInfo, scanStatus, scanResult.
    param($Emulator, [string[]] $WorkspaceIds, [string] $OutFile)

    $form = @{
        grant_type    = 'client_credentials'
        client_id     = $Emulator.clientId
        client_secret = $Emulator.clientSecret
        scope         = 'https://analysis.windows.net/powerbi/api/.default'
    }
    $token = (Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/$($Emulator.tenantId)/oauth2/v2.0/token" `
        -Body $form).access_token
    $headers = @{ Authorization = "Bearer $token" }
    $scanner = "$($Emulator.url)/v1.0/myorg/admin/workspaces"
    $query = 'lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True'
    $body = @{ workspaces = $WorkspaceIds } | ConvertTo-Json -Compress
    $scan = Invoke-RestMethod -Method Post -Uri "$scanner/getInfo?$query" -Headers $headers -Body $body `
        -ContentType 'application/json'
    do {
        Start-Sleep -Milliseconds 200
        $status = Invoke-RestMethod -Uri "$scanner/scanStatus/$($scan.id)" -Headers $headers
    } while ($status.status -notin 'Succeeded', 'Failed')

    Invoke-WebRequest -Uri "$scanner/scanResult/$($scan.id)" -Headers $headers -OutFile $OutFile | Out-Null
}

function Measure-ScanParsing {
    # The module's own scan result reader over a body already in memory: parsing alone, with no network and no
    # emulator generating the body. The reader is internal, so it is reached by reflection.
    param([string] $Path, [int] $Runs)

    $engine = [AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -eq 'PbiPreflight.Core' } | Select-Object -First 1
    if (-not $engine) {
        # Nothing has run yet in this process: the engine is loaded from the module's folder.
        $file = Get-ChildItem (Split-Path -Parent $spec.ModulePath) -Recurse -Filter 'PbiPreflight.Core.dll' |
            Select-Object -First 1
        $engine = [System.Reflection.Assembly]::LoadFrom($file.FullName)
    }

    $reader = $engine.GetType('PbiPreflight.Checks.ScanResultReader', $true)
    $read = $reader.GetMethod('ReadAsync', [System.Reflection.BindingFlags] 'Public, NonPublic, Static')
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    foreach ($index in 1..$Runs) {
        $stream = [System.IO.MemoryStream]::new($bytes, $false)
        $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        $summary = $read.Invoke($null, @($stream, [System.Threading.CancellationToken]::None)).GetAwaiter().GetResult()
        $stopwatch.Stop()
        [pscustomobject]@{
            Ms         = $stopwatch.Elapsed.TotalMilliseconds
            Bytes      = $bytes.Length
            Workspaces = $summary.Workspaces
            Datasets   = $summary.Datasets
        }
    }
}

function Invoke-SampleScale {
    $emulator = $spec.Emulators[0]
    $connection = Get-Connection $emulator

    # Warm: the code paths are compiled on a one-workspace scan first, so the growth measured is the sample's.
    Test-PbiMetadataScan @connection -SampleSize 1 | Out-Null
    [GC]::Collect()
    [GC]::WaitForPendingFinalizers()
    [GC]::Collect()
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $before = $process.WorkingSet64
    $peakReset = Reset-PeakWorkingSet
    Clear-RequestLog $emulator
    $run = Measure-Call { Test-PbiMetadataScan @connection -SampleSize $spec.SampleSize -ScanTimeoutSec 600 }
    $peak = Get-PeakWorkingSet
    $scan = @($run.Output | Where-Object Check -eq 'MetadataScan.Scan')[0]
    $sampled = @($scan.Details['SampledWorkspaceIds'])

    # The body is kept for the parsing measurement, which runs in a fresh process of its own.
    Get-ScanResultBody -Emulator $emulator -WorkspaceIds $sampled -OutFile $spec.BodyPath

    return @{
        Ms              = $run.Ms
        Results         = Get-ResultSummary $run.Output
        Requests        = Get-RequestLog $emulator
        WorkingSetBefore = $before
        PeakWorkingSet  = $peak
        PeakWasReset    = $peakReset
        ScanResultBytes = $scan.Details['ScanResultBytes']
        Sampled         = $sampled.Count
    }
}

function Invoke-ScanParsing {
    # A fresh process, as a session that runs one scan has: the first parse is the one a user waits for, the
    # later ones show the reader once compiled fully.
    return @{ Parsing = @(Measure-ScanParsing -Path $spec.BodyPath -Runs $spec.Runs) }
}

function Invoke-ManyTenants {
    $emulator = $spec.Emulators[0]
    $command = Get-Command Invoke-PbiPreflight
    if (-not $command.Parameters.ContainsKey('ThrottleLimit')) {
        return @{ NotRun = 'Invoke-PbiPreflight has no -ThrottleLimit parameter in this build' }
    }

    # Each emulated tenant has its own secret, so the credentials must travel with the pipeline items.
    $byName = {
        param($Name)
        $parameter = $command.Parameters[$Name]
        $parameter -and @($parameter.Attributes | Where-Object {
            $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName
        }).Count -gt 0
    }
    $items = if (& $byName 'Credential') {
        $emulator.tenants | ForEach-Object {
            $secret = ConvertTo-SecureString -String $_.clientSecret -AsPlainText -Force
            [pscustomobject]@{ TenantId = $_.tenantId; Credential = [pscredential]::new($_.clientId, $secret) }
        }
    }
    elseif (& $byName 'ClientSecret') {
        $emulator.tenants | ForEach-Object {
            [pscustomobject]@{
                TenantId     = $_.tenantId
                ClientId     = $_.clientId
                ClientSecret = ConvertTo-SecureString -String $_.clientSecret -AsPlainText -Force
            }
        }
    }
    else {
        return @{ NotRun = 'Invoke-PbiPreflight takes no credentials from the pipeline in this build' }
    }

    $custom = @{ Environment = 'Custom'; AuthorityHost = $emulator.url; ApiBaseUri = $emulator.url }
    $one = @($items)[0]
    $one | Invoke-PbiPreflight @custom | Out-Null
    $single = foreach ($index in 1..$spec.Runs) {
        (Measure-Call { $one | Invoke-PbiPreflight @custom }).Ms
    }

    Clear-RequestLog $emulator
    $all = Measure-Call { $items | Invoke-PbiPreflight @custom -ThrottleLimit $spec.ThrottleLimit }
    return @{
        SingleMs = @($single)
        AllMs    = $all.Ms
        Tenants  = @($items).Count
        Results  = Get-ResultSummary $all.Output
        Requests = Get-RequestLog $emulator
    }
}

$result = switch ($spec.Mode) {
    'CriticalPath' { Invoke-CriticalPath }
    'TenantScale' { Invoke-TenantScale }
    'SampleScale' { Invoke-SampleScale }
    'ScanParsing' { Invoke-ScanParsing }
    'ManyTenants' { Invoke-ManyTenants }
    default { throw "Unknown mode '$($spec.Mode)'." }
}

$result | ConvertTo-Json -Depth 8 | Set-Content -Path $ResultPath -Encoding utf8
