# Helpers shared by the Pester tests and the demo: start the emulator from its build output, and run the module in
# a fresh child PowerShell that trusts the emulator's certificate authority, as a user's session would.

Set-StrictMode -Version Latest

$script:Root = Split-Path -Parent $PSScriptRoot
$script:ModulePath = Join-Path $script:Root 'out/PbiPreflight/PbiPreflight.psd1'
$script:EmulatorPath = Join-Path $script:Root 'out/emulator/PbiPreflight.Emulator.dll'
$script:CaDirectory = Join-Path $script:Root 'out/test-ca'
$script:PwshPath = Join-Path $PSHOME 'pwsh.dll'

function Start-PbiEmulator {
    <#
    .SYNOPSIS
        Starts the emulator on a free loopback port and returns its ready line as an object.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Scenario,

        [int] $TimeoutSec = 60,

        # More emulator options, such as '--cert-host', 'other.example'.
        [string[]] $ExtraArguments = @(),

        # Variables for the emulator process only, such as OPENSSL_CONF.
        [hashtable] $Environment = @{}
    )

    if (-not (Test-Path $script:EmulatorPath)) {
        throw "The emulator is not built: run ./build.ps1 -Task Build first ($script:EmulatorPath is missing)."
    }

    $logs = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-emulator-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $logs | Out-Null
    $stdout = Join-Path $logs 'stdout.txt'
    $stderr = Join-Path $logs 'stderr.txt'

    # The parent pid makes the emulator end with this process even if a test dies before it stops it.
    $arguments = @(
        "`"$script:EmulatorPath`"", '--scenario', "`"$Scenario`"", '--port', '0',
        '--ca-dir', "`"$script:CaDirectory`"", '--parent-pid', $PID
    ) + $ExtraArguments
    $saved = Set-ProcessEnvironment $Environment
    try {
        $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru -NoNewWindow `
            -RedirectStandardOutput $stdout -RedirectStandardError $stderr
    }
    finally {
        Set-ProcessEnvironment $saved | Out-Null
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $readyLine = $null
    while (-not $readyLine) {
        if ($process.HasExited) {
            throw "The emulator exited with code $($process.ExitCode) before it was ready: $(Get-Content -Raw $stderr)"
        }

        if ([DateTime]::UtcNow -gt $deadline) {
            $process.Kill($true)
            throw "The emulator was not ready within $TimeoutSec s: $(Get-Content -Raw $stderr)"
        }

        Start-Sleep -Milliseconds 50
        $text = Get-Content -Raw -ErrorAction Ignore $stdout
        if ($text -and $text.Contains("`n")) {
            $readyLine = $text.Split("`n")[0]
        }
    }

    $ready = $readyLine | ConvertFrom-Json
    $ready | Add-Member -NotePropertyName Process -NotePropertyValue $process
    $ready | Add-Member -NotePropertyName StandardOutputPath -NotePropertyValue $stdout
    $ready | Add-Member -NotePropertyName StandardErrorPath -NotePropertyValue $stderr
    return $ready
}

function Stop-PbiEmulator {
    <#
    .SYNOPSIS
        Ends the emulator and everything it started.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Emulator)

    process {
        if ($Emulator -and -not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill($true)
            $Emulator.Process.WaitForExit(10000) | Out-Null
        }

        # A killed emulator cannot remove the files of its run (client certificates, keys, token files), which it
        # removes itself only when it shuts down on its own.
        $runDirectory = if ($Emulator) { $Emulator.PSObject.Properties['runDirectory'] }
        if ($runDirectory -and $runDirectory.Value -and $Emulator.Process.HasExited) {
            Remove-Item -Recurse -Force -LiteralPath $runDirectory.Value -ErrorAction Ignore
        }
    }
}

function Get-PbiEmulatorRequest {
    <#
    .SYNOPSIS
        The requests the emulator answered, from its request log.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)

    # The test process trusts the emulator's authority through SSL_CERT_FILE, which build.ps1 sets.
    # Invoke-RestMethod writes a JSON array as one object; ForEach-Object unrolls it, so callers get one
    # pipeline item per request and @(...) counts requests.
    Invoke-RestMethod -Uri ($Emulator.url + '/_emulator/requests') | ForEach-Object { $_ }
}

function Invoke-PbiChild {
    <#
    .SYNOPSIS
        Runs a script in a fresh child PowerShell that trusts the emulator and has the module imported.

    .DESCRIPTION
        The script sees $Connection, a hashtable of the parameters that reach the emulator with the
        scenario's credentials (the secret as a SecureString), and $Emulator, the ready line. The secret
        reaches the child through its environment, never its command line. Returns the objects the script
        wrote (deserialized), its errors, and the text of every stream, for leak checks.

        -WithoutSecret leaves the client secret out of $Connection (tenant, client id and endpoints only),
        for the other kinds of sign-in. -AllReadyFields gives the child the whole ready line as $Emulator
        (certificate files and passwords, the user, the managed identity and federation endpoints), again
        through the environment only.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Script,
        [switch] $UseCredential,
        [switch] $WithoutSecret,
        [switch] $AllReadyFields,

        # Variables for the child only; they win over the ones set here, SSL_CERT_FILE included.
        [hashtable] $Environment = @{}
    )

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-child-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    $scriptPath = Join-Path $work 'run.ps1'
    $resultPath = Join-Path $work 'result.xml'

    $connection = if ($WithoutSecret) {
        '$Connection = @{ TenantId = $env:PBI_TEST_TENANT; ClientId = $env:PBI_TEST_CLIENT }'
    }
    elseif ($UseCredential) {
        '$Connection = @{ TenantId = $env:PBI_TEST_TENANT
            Credential = [pscredential]::new($env:PBI_TEST_CLIENT, $secret) }'
    }
    else {
        '$Connection = @{ TenantId = $env:PBI_TEST_TENANT; ClientId = $env:PBI_TEST_CLIENT; ClientSecret = $secret }'
    }

    $wrapper = @"
`$ErrorActionPreference = 'Continue'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$script:ModulePath' -ErrorAction Stop
`$secret = if (`$env:PBI_TEST_SECRET) { ConvertTo-SecureString -String `$env:PBI_TEST_SECRET -AsPlainText -Force }
$connection
`$Connection.Environment = 'Custom'
`$Connection.AuthorityHost = `$env:PBI_TEST_URL
`$Connection.ApiBaseUri = `$env:PBI_TEST_URL
`$Emulator = `$env:PBI_TEST_READY | ConvertFrom-Json
`$everything = & {
$Script
} *>&1
`$objects = @(`$everything | Where-Object { `$_ -isnot [System.Management.Automation.ErrorRecord] -and
    `$_ -isnot [System.Management.Automation.InformationalRecord] })
`$errors = @(`$everything | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object {
    [pscustomobject]@{
        FullyQualifiedErrorId = `$_.FullyQualifiedErrorId
        Message = `$_.ToString()
        Category = `$_.CategoryInfo.Category.ToString()
    }
})
`$text = (`$everything | ForEach-Object { `$_ | Out-String -Width 500 }) -join "``n"
`$lists = `$objects | Where-Object { `$_ -is [PbiPreflight.CheckResult] } |
    ForEach-Object { `$_ | Format-List * | Out-String -Width 500 }
`$text += "``n" + (`$lists -join "``n")
[pscustomobject]@{ Objects = `$objects; Errors = `$errors; Text = `$text } | Export-Clixml -Path '$resultPath' -Depth 6
"@
    Set-Content -Path $scriptPath -Value $wrapper -Encoding utf8

    $ready = if ($AllReadyFields) {
        $Emulator | Select-Object * -ExcludeProperty Process, StandardOutputPath, StandardErrorPath
    }
    else {
        $Emulator | Select-Object url, caCertificatePath, tenantId, clientId
    }

    $variables = @{
        SSL_CERT_FILE    = $Emulator.caCertificatePath
        PBI_TEST_TENANT  = $Emulator.tenantId
        PBI_TEST_CLIENT  = $Emulator.clientId
        PBI_TEST_SECRET  = if ($WithoutSecret) { $null } else { $Emulator.clientSecret }
        PBI_TEST_URL     = $Emulator.url
        PBI_TEST_READY   = $ready | ConvertTo-Json -Compress -Depth 6
    }
    foreach ($name in $Environment.Keys) {
        $variables[$name] = $Environment[$name]
    }

    $saved = Set-ProcessEnvironment $variables
    try {
        $console = & dotnet $script:PwshPath -NoProfile -NonInteractive -File $scriptPath 2>&1 | Out-String
        if (-not (Test-Path $resultPath)) {
            throw "The child PowerShell wrote no result (exit code $LASTEXITCODE): $console"
        }

        $result = Import-Clixml -Path $resultPath
        $result | Add-Member -NotePropertyName Console -NotePropertyValue $console
        $result | Add-Member -NotePropertyName ExitCode -NotePropertyValue $LASTEXITCODE
        return $result
    }
    finally {
        Set-ProcessEnvironment $saved | Out-Null
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }
}

function Set-ProcessEnvironment {
    # Sets variables for child processes started next, and returns the previous values to restore them.
    param([hashtable] $Variables)

    $previous = @{}
    foreach ($name in $Variables.Keys) {
        $previous[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Variables[$name])
    }

    return $previous
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try {
        return $listener.LocalEndpoint.Port
    }
    finally {
        $listener.Stop()
    }
}

function Start-PbiProxy {
    <#
    .SYNOPSIS
        Starts tinyproxy (Debian's package) on loopback, allowing CONNECT to the given port; returns its URL
        and log, or $null when tinyproxy is not installed.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [int] $AllowPort,
        [string] $User,
        [string] $Password
    )

    $tinyproxy = Get-Command tinyproxy -ErrorAction Ignore
    if (-not $tinyproxy) {
        return $null
    }

    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-proxy-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $folder | Out-Null
    $port = Get-FreeTcpPort
    $log = Join-Path $folder 'tinyproxy.log'
    $lines = @(
        "Port $port", 'Listen 127.0.0.1', 'Timeout 60', 'Allow 127.0.0.1', "ConnectPort $AllowPort",
        'LogLevel Connect', "LogFile `"$log`""
    )
    if ($User) {
        $lines += "BasicAuth $User $Password"
    }

    $config = Join-Path $folder 'tinyproxy.conf'
    Set-Content -Path $config -Value $lines
    $process = Start-Process -FilePath $tinyproxy.Source -ArgumentList '-d', '-c', "`"$config`"" -PassThru `
        -RedirectStandardOutput (Join-Path $folder 'stdout.txt') -RedirectStandardError (Join-Path $folder 'stderr.txt')

    # Ready when the port accepts connections.
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            $client.Connect('127.0.0.1', $port)
            break
        }
        catch {
            Start-Sleep -Milliseconds 50
        }
        finally {
            $client.Dispose()
        }
    }

    return [pscustomobject]@{ Url = "http://127.0.0.1:$port"; Log = $log; Process = $process; Folder = $folder }
}

function Stop-PbiProxy {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Proxy)

    process {
        if ($Proxy -and -not $Proxy.Process.HasExited) {
            $Proxy.Process.Kill($true)
            $Proxy.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function New-PbiScenarioFile {
    <#
    .SYNOPSIS
        Writes a scenario that starts from a shipped one and adds overrides, such as a recorded response.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Base,
        [Parameter(Mandatory)] [object[]] $Overrides
    )

    $path = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-scenario-" + [guid]::NewGuid().ToString('N') + '.json')
    [ordered]@{ base = $Base; overrides = $Overrides } | ConvertTo-Json -Depth 20 |
        Set-Content -Path $path -Encoding utf8
    return $path
}

function Get-PbiCase {
    <#
    .SYNOPSIS
        Reads a real-world failure case from tests/cases.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Id)

    return Get-Content -Raw (Join-Path $script:Root "tests/cases/$Id.json") | ConvertFrom-Json
}

function ConvertTo-Base64Url {
    <#
    .SYNOPSIS
        Base64url without padding, as JSON web tokens use it; a string is taken as its UTF-8 bytes.
    #>
    param([Parameter(Mandatory)] [object] $Value)

    $bytes = if ($Value -is [string]) { [Text.Encoding]::UTF8.GetBytes($Value) } else { [byte[]] $Value }
    return [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

Export-ModuleMember -Function Start-PbiEmulator, Stop-PbiEmulator, Get-PbiEmulatorRequest, Invoke-PbiChild,
    New-PbiScenarioFile, Get-PbiCase, Start-PbiProxy, Stop-PbiProxy, ConvertTo-Base64Url
