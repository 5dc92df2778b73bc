<#
.SYNOPSIS
    Shows Invoke-PbiPreflight against an emulated healthy tenant and three broken ones.
#>
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'TestKit.psm1') -Force

$script = @'
$results = Invoke-PbiPreflight @Connection
$results | Format-Table Check, Status, Reason, ErrorCode, HttpStatus, Message -Wrap | Out-String -Width 160
$failures = @($results | Where-Object Status -in 'Failed', 'Warning')
if ($failures) {
    "One-line form of each failure and warning:"
    $failures | ForEach-Object { '  ' + $_.ToString() }
    ''
}
'@

foreach ($scenario in 'healthy', 'invalid-secret', 'no-workspaces', 'admin-api-disabled') {
    Write-Host "=== Scenario: $scenario ===" -ForegroundColor Cyan
    $emulator = Start-PbiEmulator -Scenario $scenario
    try {
        $run = Invoke-PbiChild -Emulator $emulator -Script $script
        $run.Objects | ForEach-Object { Write-Host $_ }
        $run.Errors | ForEach-Object { Write-Host "ERROR $($_.FullyQualifiedErrorId): $($_.Message)" -ForegroundColor Red }
    }
    finally {
        $emulator | Stop-PbiEmulator
    }
}
