# Export-PbiPreflightReport end to end: the results of a healthy tenant and a broken one, from the emulator, written
# in each format; bad paths and bad input; the HTML page opened in headless Chromium.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $errorSuffix = ',PbiPreflight.Commands.ExportPbiPreflightReportCommand'

    # A second tenant with its own id and domain, refused by the read-only admin API.
    $brokenScenario = Join-Path ([IO.Path]::GetTempPath()) ('pbi-fabrikam-' + [guid]::NewGuid().ToString('N') + '.json')
    @{
        base   = 'admin-api-disabled'
        tenant = @{ id = '7e000000-0000-4000-8000-0000000000f2'; domains = @('fabrikam.onmicrosoft.com') }
    } | ConvertTo-Json -Depth 5 | Set-Content -Path $brokenScenario -Encoding utf8
    $healthy = Start-PbiEmulator -Scenario healthy
    $broken = Start-PbiEmulator -Scenario $brokenScenario

    $script:TestFolders = [Collections.Generic.List[string]]::new()
    function New-TestFolder {
        $path = Join-Path ([IO.Path]::GetTempPath()) ('pbi-reports-' + [guid]::NewGuid().ToString('N'))
        $script:TestFolders.Add($path)
        (New-Item -ItemType Directory -Path $path).FullName
    }

    # Both tenants share the scenario's app and secret; only the tenant and the emulator differ.
    $bothTenants = @"
`$Connection.TenantId = 'contoso.onmicrosoft.com'
`$fabrikam = `$Connection.Clone()
`$fabrikam.TenantId = 'fabrikam.onmicrosoft.com'
`$fabrikam.AuthorityHost = '$($broken.url)'
`$fabrikam.ApiBaseUri = '$($broken.url)'
"@

    # Relative paths are PowerShell's current location, which is not the process's working directory here.
    $work = New-TestFolder
    $elsewhere = New-TestFolder
    $script = $bothTenants + @"

[Environment]::CurrentDirectory = '$elsewhere'
Set-Location '$work'
`$results = @(Invoke-PbiPreflight @Connection) + @(Invoke-PbiPreflight @fabrikam)
`$results | Export-PbiPreflightReport -Path report.html -Format Html
`$results | Export-PbiPreflightReport -Path report.md -Format Markdown
`$results | Export-PbiPreflightReport report.json Json
& { Invoke-PbiPreflight @Connection; Invoke-PbiPreflight @fabrikam } |
    Export-PbiPreflightReport -Path report.xml -Format JUnit -PassThru
`$results
"@
    $run = Invoke-PbiChild -Emulator $healthy -Script $script
    $results = @($run.Objects |
        Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.PbiPreflight.CheckResult' })
    $results | Export-Clixml -Path (Join-Path $work 'results.clixml') -Depth 6
}

AfterAll {
    $healthy, $broken | Stop-PbiEmulator
    Remove-Item $brokenScenario -ErrorAction Ignore
    $script:TestFolders | Remove-Item -Recurse -Force -ErrorAction Ignore
}

Describe 'Reports of a healthy and a broken tenant' {
    It 'writes each format at -Path relative to the current location, and nothing else' {
        $run.Errors | Should -BeNullOrEmpty
        $results.Count | Should -Be 26
        @($results.TenantId | Select-Object -Unique) |
            Should -Be @('contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com')
        @(Get-ChildItem -Force $work | Sort-Object Name).Name |
            Should -Be @('report.html', 'report.json', 'report.md', 'report.xml', 'results.clixml')
        Get-ChildItem -Force $elsewhere | Should -BeNullOrEmpty

        $file = @($run.Objects | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.System.IO.FileInfo' })
        $file.Count | Should -Be 1
        $file[0].FullName | Should -Be (Join-Path $work 'report.xml')
    }

    It 'JUnit: one suite per tenant, one case per check, failures, skips and counts as CI servers read them' {
        [xml] $junit = Get-Content -Raw (Join-Path $work 'report.xml')
        $failed = @($results | Where-Object { $_.Status.ToString() -eq 'Failed' })
        $skipped = @($results | Where-Object { $_.Status.ToString() -eq 'Skipped' })

        $junit.testsuites.tests | Should -Be "$($results.Count)"
        $junit.testsuites.failures | Should -Be "$($failed.Count)"
        $junit.testsuites.skipped | Should -Be "$($skipped.Count)"
        $junit.testsuites.errors | Should -Be '0'
        $junit.testsuites.time | Should -Match '^\d+\.\d{3}$'

        $suites = @($junit.testsuites.testsuite)
        $suites.name | Should -Be @('contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com')
        foreach ($suite in $suites) {
            $own = @($results | Where-Object TenantId -eq $suite.name)
            $suite.tests | Should -Be "$($own.Count)"
            $suite.failures | Should -Be "$(@($own | Where-Object { $_.Status.ToString() -eq 'Failed' }).Count)"
            $suite.skipped | Should -Be "$(@($own | Where-Object { $_.Status.ToString() -eq 'Skipped' }).Count)"
            $suite.errors | Should -Be '0'
            $suite.timestamp | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$'
            @($suite.testcase.name) | Should -Be @($own.Check)
        }

        $adminApi = $suites[1].testcase | Where-Object name -eq 'WorkspacePermission.AdminApi'
        $adminApi.classname | Should -Be 'fabrikam_onmicrosoft_com.WorkspacePermission'
        $adminApi.failure.type | Should -Be 'AdminApiNotAuthorized'
        $expected = $results |
            Where-Object { $_.TenantId -like 'fabrikam*' -and $_.Check -eq 'WorkspacePermission.AdminApi' }
        $adminApi.failure.message | Should -Be $expected.Message
        $adminApi.failure.'#text' | Should -BeLike "*What to do: $($expected.Remediation)*"
        $adminApi.failure.'#text' | Should -Match 'Request id: [0-9a-f-]{36}'
        @($suites[1].testcase | Where-Object { $_.skipped }).Count | Should -Be 5
        @($suites[0].testcase | Where-Object { $_.failure -or $_.skipped }) | Should -BeNullOrEmpty

        # A warning passes, and says so in its output.
        $warning = $suites[1].testcase | Where-Object name -eq 'WorkspacePermission'
        $warning.failure | Should -BeNullOrEmpty
        $warning.'system-out' | Should -BeLike 'Warning: AdminApiNotAuthorized: *'
    }

    It 'HTML: one section per tenant, the broken one first, failures first, remediation and request ids shown' {
        $html = Get-Content -Raw (Join-Path $work 'report.html')

        ([regex]::Matches($html, '<section class="tenant"')).Count | Should -Be 2
        $html.IndexOf('fabrikam.onmicrosoft.com</h2>') |
            Should -BeLessThan $html.IndexOf('contoso.onmicrosoft.com</h2>')
        $html | Should -Not -Match '<(script|link|img|iframe)\b'
        foreach ($result in $results | Where-Object { $_.Status.ToString() -eq 'Failed' }) {
            $html | Should -BeLike "*$($result.RequestId)*"
        }

        $section = $html.Substring($html.IndexOf('<section class="tenant" id="tenant-1">'))
        $section.IndexOf('<h4>Failed</h4>') | Should -BeLessThan $section.IndexOf('<h4>Warnings</h4>')
        $section.IndexOf('<h4>Warnings</h4>') | Should -BeLessThan $section.IndexOf('<h4>Passed</h4>')
        $section | Should -BeLike '*<strong>What to do</strong><p>Enable Admin portal &gt; Tenant settings*'
    }

    It 'Markdown: a table row per result, failures first' {
        $lines = Get-Content (Join-Path $work 'report.md')
        $rows = @($lines | Where-Object { $_ -match '^\| (Failed|Warning|Passed|Skipped) \|' })

        $rows.Count | Should -Be $results.Count
        $rows[0] | Should -BeLike '| Failed | WorkspacePermission.AdminApi | AdminApiNotAuthorized |*'
        $lines | Should -Contain '## fabrikam.onmicrosoft.com: Failed'
        $lines | Should -Contain '## contoso.onmicrosoft.com: Passed'
    }

    It 'JSON: the results with their own property names and statuses as text' {
        $json = Get-Content -Raw (Join-Path $work 'report.json') | ConvertFrom-Json

        $json.Count | Should -Be $results.Count
        $json.Check | Should -Be $results.Check
        $json.Status | Should -Be ($results | ForEach-Object { $_.Status.ToString() })
        $json[0].PSObject.Properties.Name | Should -Be @('TenantId', 'Check', 'Status', 'Reason', 'Message',
            'Remediation', 'ErrorCode', 'HttpStatus', 'RequestId', 'TraceId', 'CorrelationId', 'Response',
            'Timestamp', 'Duration', 'Details')
    }

    It 'takes deserialized results (Import-Clixml, ConvertFrom-Json) and writes the same report' {
        $script = @"
Set-Location '$work'
Import-Clixml results.clixml | Export-PbiPreflightReport -Path from-clixml.json -Format Json
Get-Content -Raw report.json | ConvertFrom-Json | Export-PbiPreflightReport -Path from-json.json -Format Json
"@
        $run = Invoke-PbiChild -Emulator $healthy -Script $script

        $run.Errors | Should -BeNullOrEmpty
        $original = Get-Content -Raw (Join-Path $work 'report.json')
        Get-Content -Raw (Join-Path $work 'from-clixml.json') | Should -BeExactly $original
        Get-Content -Raw (Join-Path $work 'from-json.json') | Should -BeExactly $original
    }

    It 'never writes the secret' {
        foreach ($file in Get-ChildItem $work -Filter 'report.*') {
            Get-Content -Raw $file.FullName | Should -Not -BeLike "*$($healthy.clientSecret)*"
        }
    }
}

Describe 'Bad paths and bad input' {
    BeforeAll {
        $resultsFile = Join-Path $work 'results.clixml'
    }

    It '<Name> is <Id> and leaves no file' -ForEach @(
        @{ Name = 'a folder that does not exist'; Id = 'ReportDirectoryNotFound'; Message = '*missing*does not exist*'
            Script = 'Import-Clixml $resultsFile | Export-PbiPreflightReport -Path missing/report.html -Format Html' }
        @{ Name = 'a folder as -Path'; Id = 'ReportPathIsDirectory'; Message = '*is a folder*'
            Script = 'New-Item -ItemType Directory sub | Out-Null
                Import-Clixml $resultsFile | Export-PbiPreflightReport -Path sub -Format Json' }
        @{ Name = 'the current folder as -Path'; Id = 'ReportPathIsDirectory'; Message = '*is a folder*'
            Script = 'Import-Clixml $resultsFile | Export-PbiPreflightReport -Path . -Format Json' }
        @{ Name = 'a path on another provider'; Id = 'ReportPathNotFileSystem'; Message = '*not on the file system*'
            Script = 'Import-Clixml $resultsFile | Export-PbiPreflightReport -Path Env:PbiReport -Format Json' }
        @{ Name = 'a drive that does not exist'; Id = 'InvalidReportPath'; Message = '*not a valid file path*'
            Script = 'Import-Clixml $resultsFile |
                Export-PbiPreflightReport -Path NoSuchDrive:/report.json -Format Json' }
        @{ Name = 'no input at all'; Id = 'NoCheckResults'; Message = '*No check results*nothing was written*'
            Script = '@() | Export-PbiPreflightReport -Path report.json -Format Json' }
    ) {
        $folder = New-TestFolder
        $run = Invoke-PbiChild -Emulator $healthy `
            -Script "`$resultsFile = '$resultsFile'; Set-Location '$folder'; $Script"

        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be ($Id + $errorSuffix)
        $run.Errors[0].Message | Should -BeLike $Message
        @(Get-ChildItem -Force -Recurse -File $folder) | Should -BeNullOrEmpty
    }

    It 'refuses a bad path before the checks upstream spend a single call' {
        $folder = New-TestFolder
        $before = @(Get-PbiEmulatorRequest -Emulator $healthy).Count

        $run = Invoke-PbiChild -Emulator $healthy -Script "Set-Location '$folder'
Invoke-PbiPreflight @Connection | Export-PbiPreflightReport -Path missing/report.xml -Format JUnit"

        $run.Errors.FullyQualifiedErrorId | Should -Be ('ReportDirectoryNotFound' + $errorSuffix)
        @(Get-PbiEmulatorRequest -Emulator $healthy).Count | Should -Be $before
        Get-ChildItem -Force -Recurse $folder | Should -BeNullOrEmpty
    }

    It 'refuses a folder it cannot write to before the checks upstream spend a single call' {
        # /proc refuses new files even to root, whom permissions would not stop.
        if (-not $IsLinux) {
            Set-ItResult -Skipped -Because 'it writes into /proc, which only Linux has'
            return
        }

        $before = @(Get-PbiEmulatorRequest -Emulator $healthy).Count

        $run = Invoke-PbiChild -Emulator $healthy -Script `
            'Invoke-PbiPreflight @Connection | Export-PbiPreflightReport -Path /proc/pbi-report.html -Format Html'

        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be ('ReportWriteFailed' + $errorSuffix)
        $run.Errors[0].Message | Should -BeLike "*could not be written to '/proc/pbi-report.html'*"
        $run.Errors[0].Message | Should -Not -BeLike '*.tmp*'
        @(Get-PbiEmulatorRequest -Emulator $healthy).Count | Should -Be $before
    }

    It 'keeps the results in the error when the file cannot be written at the end, ready to be written elsewhere' {
        $folder = New-TestFolder

        # The file appears while the results are still arriving, after the path was checked: only the write
        # at the end can find it, when the checks upstream have already run.
        $run = Invoke-PbiChild -Emulator $healthy -Script "Set-Location '$folder'
`$results = Import-Clixml '$resultsFile'
try {
    & { `$results; Set-Content -Path late.md -Value 'written meanwhile' } |
        Export-PbiPreflightReport -Path late.md -Format Markdown -NoClobber -ErrorAction Stop
}
catch {
    `$_.Exception.Results | Export-PbiPreflightReport -Path kept.md -Format Markdown
    `$_
    [pscustomobject]@{ Target = `$_.TargetObject }
}"

        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be ('ReportFileExists' + $errorSuffix)
        $count = @(Import-Clixml $resultsFile).Count
        $run.Errors[0].Message | Should -BeLike "*The $count check results are kept in the error's exception*"
        $run.Objects[0].Target | Should -Be (Join-Path $folder 'late.md')
        Get-Content -Raw (Join-Path $folder 'late.md') | Should -Be "written meanwhile$([Environment]::NewLine)"
        Get-Content -Raw (Join-Path $folder 'kept.md') | Should -BeLike '# Power BI preflight report*'
        @(Get-ChildItem -Force $folder | Sort-Object Name).Name | Should -Be @('kept.md', 'late.md')
    }

    It 'does not even try the folder with -WhatIf or $WhatIfPreference, and writes nothing' {
        if (-not $IsLinux) {
            Set-ItResult -Skipped -Because 'it writes into /proc, which only Linux has'
            return
        }

        $run = Invoke-PbiChild -Emulator $healthy -Script "`$results = Import-Clixml '$resultsFile'
`$results | Export-PbiPreflightReport -Path /proc/pbi-whatif.html -Format Html -WhatIf
`$WhatIfPreference = `$true
`$results | Export-PbiPreflightReport -Path /proc/pbi-whatif.html -Format Html
`$WhatIfPreference = `$false
`$results | Export-PbiPreflightReport -Path /proc/pbi-whatif.html -Format Html -WhatIf:`$false"

        # Only the last call, which asked for the write, tries the folder and is refused.
        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be ('ReportWriteFailed' + $errorSuffix)
        '/proc/pbi-whatif.html' | Should -Not -Exist
    }

    It 'names each object that is not a result, and writes nothing when none is' {
        $folder = New-TestFolder

        $run = Invoke-PbiChild -Emulator $healthy -Script "Set-Location '$folder'
1, 'text', (Get-Item .) | Export-PbiPreflightReport -Path report.html -Format Html"

        @($run.Errors.FullyQualifiedErrorId) | Should -Be @(
            @('InputNotCheckResult') * 3 + 'NoCheckResults' | ForEach-Object { $_ + $errorSuffix })
        $run.Errors[0].Category | Should -Be 'InvalidType'
        $run.Errors[1].Message | Should -BeLike 'A System.String is not a check result*'
        Get-ChildItem -Force -Recurse $folder | Should -BeNullOrEmpty
    }

    It 'writes the results and names the stray object when input is mixed' {
        $folder = New-TestFolder

        $run = Invoke-PbiChild -Emulator $healthy -Script "Set-Location '$folder'
@(Import-Clixml '$resultsFile') + 'stray' | Export-PbiPreflightReport -Path report.json -Format Json"

        $run.Errors.FullyQualifiedErrorId | Should -Be ('InputNotCheckResult' + $errorSuffix)
        (Get-Content -Raw (Join-Path $folder 'report.json') | ConvertFrom-Json).Count | Should -Be $results.Count
        @(Get-ChildItem -Force $folder).Name | Should -Be @('report.json')
    }

    It 'replaces an existing file whole, keeps it with -NoClobber, and writes nothing with -WhatIf' {
        $folder = New-TestFolder
        Set-Content -Path (Join-Path $folder 'kept.md') -Value 'keep me'
        Set-Content -Path (Join-Path $folder 'replaced.md') -Value 'replace me'

        $run = Invoke-PbiChild -Emulator $healthy -Script "Set-Location '$folder'
`$results = Import-Clixml '$resultsFile'
`$results | Export-PbiPreflightReport -Path kept.md -Format Markdown -NoClobber
`$results | Export-PbiPreflightReport -Path replaced.md -Format Markdown
`$results | Export-PbiPreflightReport -Path whatif.md -Format Markdown -WhatIf"

        $run.Errors.FullyQualifiedErrorId | Should -Be ('ReportFileExists' + $errorSuffix)
        Get-Content -Raw (Join-Path $folder 'kept.md') | Should -Be "keep me$([Environment]::NewLine)"
        Get-Content -Raw (Join-Path $folder 'replaced.md') | Should -BeLike '# Power BI preflight report*'
        @(Get-ChildItem -Force $folder | Sort-Object Name).Name | Should -Be @('kept.md', 'replaced.md')
    }
}

Describe 'The HTML report in a browser' {
    BeforeAll {
        $chromium = Get-Command chromium -ErrorAction Ignore
        $skipReason = 'chromium (Debian package "chromium") is not installed; build.ps1 installs it when run ' +
            'as root on Debian.'

        # A PNG reader small enough to trust: enough of the format to count the colours of a screenshot.
        if (-not ('PbiTestPng' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.IO.Compression;
using System.Text;

public static class PbiTestPng
{
    public static int[] ReadPixels(string path, out int width, out int height)
    {
        var bytes = File.ReadAllBytes(path);
        var signature = new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 };
        for (var i = 0; i < signature.Length; i++)
        {
            if (bytes[i] != signature[i]) throw new InvalidDataException("Not a PNG file.");
        }

        int position = 8, colourType = 0;
        width = height = 0;
        var compressed = new MemoryStream();
        while (position < bytes.Length)
        {
            var length = BigEndian(bytes, position);
            var type = Encoding.ASCII.GetString(bytes, position + 4, 4);
            var data = position + 8;
            if (type == "IHDR")
            {
                width = BigEndian(bytes, data);
                height = BigEndian(bytes, data + 4);
                colourType = bytes[data + 9];
                if (bytes[data + 8] != 8 || (colourType != 2 && colourType != 6) || bytes[data + 12] != 0)
                    throw new NotSupportedException("Only 8-bit RGB or RGBA, not interlaced.");
            }
            else if (type == "IDAT") compressed.Write(bytes, data, length);
            else if (type == "IEND") break;
            position = data + length + 4;
        }

        var channels = colourType == 6 ? 4 : 3;
        var stride = width * channels;
        compressed.Position = 0;
        var raw = new MemoryStream();
        using (var inflater = new ZLibStream(compressed, CompressionMode.Decompress)) inflater.CopyTo(raw);
        var rows = raw.ToArray();
        if (rows.Length != height * (stride + 1)) throw new InvalidDataException("Image data has the wrong size.");

        var previous = new byte[stride];
        var current = new byte[stride];
        var pixels = new int[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = rows[y * (stride + 1)];
            Buffer.BlockCopy(rows, y * (stride + 1) + 1, current, 0, stride);
            for (var x = 0; x < stride; x++)
            {
                int left = x >= channels ? current[x - channels] : 0, up = previous[x];
                int upLeft = x >= channels ? previous[x - channels] : 0;
                int predictor;
                switch (filter)
                {
                    case 0: predictor = 0; break;
                    case 1: predictor = left; break;
                    case 2: predictor = up; break;
                    case 3: predictor = (left + up) / 2; break;
                    case 4: predictor = Paeth(left, up, upLeft); break;
                    default: throw new InvalidDataException("Unknown row filter.");
                }

                current[x] = (byte)(current[x] + predictor);
            }

            for (var x = 0; x < width; x++)
            {
                var offset = x * channels;
                pixels[y * width + x] = (current[offset] << 16) | (current[offset + 1] << 8) | current[offset + 2];
            }

            var swap = previous;
            previous = current;
            current = swap;
        }

        return pixels;
    }

    public static int CountNear(int[] pixels, int colour, int tolerance)
    {
        var count = 0;
        foreach (var pixel in pixels)
        {
            if (Math.Abs(((pixel >> 16) & 255) - ((colour >> 16) & 255)) <= tolerance &&
                Math.Abs(((pixel >> 8) & 255) - ((colour >> 8) & 255)) <= tolerance &&
                Math.Abs((pixel & 255) - (colour & 255)) <= tolerance) count++;
        }

        return count;
    }

    private static int BigEndian(byte[] bytes, int at)
    {
        return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
'@
        }

        function Invoke-Chromium {
            param([string[]] $Arguments, [string] $Name)

            # As root Chromium needs --no-sandbox; its own profile keeps it away from any other instance.
            $all = @('--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
                "--user-data-dir=$(Join-Path $work "chromium-$Name")") + $Arguments +
                [uri]::new((Join-Path $work 'report.html')).AbsoluteUri
            $stdout = Join-Path $work "chromium-$Name.out"
            $process = Start-Process -FilePath $chromium.Source -ArgumentList $all -PassThru `
                -RedirectStandardOutput $stdout -RedirectStandardError (Join-Path $work "chromium-$Name.err")
            if (-not $process.WaitForExit(120000)) {
                $process.Kill($true)
                throw 'Chromium did not finish within 120 s.'
            }

            return Get-Content -Raw $stdout
        }
    }

    It 'is the page written, as Chromium parses it: two tenant sections and no script' {
        if (-not $chromium) { Set-ItResult -Skipped -Because $skipReason; return }

        $dom = Invoke-Chromium -Arguments '--dump-dom' -Name 'dom'

        ([regex]::Matches($dom, '<section class="tenant"')).Count | Should -Be 2
        ([regex]::Matches($dom, '<article class="result failed">')).Count | Should -Be 4
        $dom | Should -Not -Match '<script'
    }

    It 'renders to a screenshot that shows the report, not a blank page' {
        if (-not $chromium) { Set-ItResult -Skipped -Because $skipReason; return }
        $png = Join-Path $work 'report.png'

        Invoke-Chromium -Arguments '--window-size=1200,1600', "--screenshot=$png" -Name 'screenshot' | Out-Null

        $png | Should -Exist
        $width = 0
        $height = 0
        $pixels = [PbiTestPng]::ReadPixels($png, [ref] $width, [ref] $height)
        $width | Should -Be 1200
        $height | Should -Be 1600

        # The page's background is most of it but not all; the broken tenant's red card edges, the failed and
        # passed badges and the blue "What to do" boxes are drawn.
        $background = [PbiTestPng]::CountNear($pixels, 0xf6f7f9, 2)
        $background / $pixels.Length | Should -BeLessThan 0.9
        [PbiTestPng]::CountNear($pixels, 0xd92d20, 8) | Should -BeGreaterThan 1000
        [PbiTestPng]::CountNear($pixels, 0xfee4e2, 4) | Should -BeGreaterThan 200
        [PbiTestPng]::CountNear($pixels, 0xd1fadf, 4) | Should -BeGreaterThan 200
        [PbiTestPng]::CountNear($pixels, 0xeff8ff, 4) | Should -BeGreaterThan 10000
    }
}
