#Requires -Version 7.4
<#
.SYNOPSIS
    Measures the module against the pipeline floor and the built-in ways: rows per second and peak memory.
.DESCRIPTION
    Run through the build: dotnet pwsh ./build.ps1 -Task Bench [-Rows N] [-Runs R] [-SkipSlow]

    Generates realistic results of N rows (and of 100,000 rows, to show how time and memory grow with N) in
    every format into a temporary folder, serves them from the mock Sutro server on loopback, and measures each
    case in a fresh pwsh process: wall time, CPU time and peak resident memory (from /usr/bin/time -v when present,
    else the child's own figures), the median of R runs. Runs go round-robin over the cases, so noise from other work
    on the machine spreads evenly over them: the ratios within one run are what count.

    Each case's CPU time also gives the least wall time it could take on this machine's cores: the start-up of an
    empty pwsh as measured, then the rest of its CPU time spread over every core. No schedule beats that without
    doing less work, so a target below it cannot be met on this machine by overlapping work, only by removing some.

    Prints a table and writes it as markdown to output/bench/. Never asserts timings.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [ValidateRange(1000, 10000000)][int]$Rows = 1000000,
    [ValidateRange(1, 15)][int]$Runs = 3,
    # Skips the built-in JSON way (Invoke-RestMethod + a row loop), which takes half a minute and gigabytes at 1M rows.
    [switch]$SkipSlow,
    # Keeps the generated files (in the temporary folder) for the next run.
    [switch]$KeepData,
    # Only the cases whose group matches one of these wildcards (e.g. Parquet*, Csv), always with the floors;
    # for quick comparisons while working on one decoder.
    [string[]]$Only,
    # Measures -Rows rows only, not also 100,000.
    [switch]$SingleSize,
    [string]$OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Import-Module (Join-Path $root 'tests' 'TestHelpers.psm1') -Force
if (-not $OutputPath) { $OutputPath = Join-Path $root 'output' 'bench' }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
# Plain text from the children; no telemetry or update check in their start-up.
$env:NO_COLOR = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'

$generator = Join-Path $PSScriptRoot 'Sutro.Bench.Generator' 'bin' 'Release' 'net10.0' 'Sutro.Bench.Generator.dll'
$floorModule = Join-Path $PSScriptRoot 'Sutro.Bench.Floor' 'bin' 'Release' 'net8.0' 'Sutro.Bench.Floor.dll'
foreach ($built in $generator, $floorModule) {
    if (-not (Test-Path -LiteralPath $built)) { throw "$built is not built. Run ./build.ps1 -Task Build." }
}
$seed = 20261120
$timeTool = if (Test-Path -LiteralPath '/usr/bin/time') { '/usr/bin/time' } else { $null }
$pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
$pwshPrefix = @()
if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = [Environment]::ProcessPath; $pwshPrefix = @(Join-Path $PSHOME 'pwsh.dll') }

function Get-BenchData([int]$N) {
    # One folder per size and seed, reused by later runs while its files are complete.
    $dir = Join-Path ([IO.Path]::GetTempPath()) "sutro-bench-$N-$seed"
    $marker = Join-Path $dir 'complete'
    $jobId = "job_bench_$N"
    # The marker names what the generator wrote, so a folder from an older generator is made anew.
    $made = "$N $seed with embedding"
    if (-not (Test-Path -LiteralPath $marker) -or (Get-Content -LiteralPath $marker -Raw).Trim() -ne $made) {
        if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
        Write-Host "Generating $N rows into $dir ..."
        & dotnet $generator --rows $N --out $dir --job-id $jobId --seed $seed
        if ($LASTEXITCODE -ne 0) { throw "The generator failed with exit code $LASTEXITCODE." }
        Set-Content -LiteralPath $marker -Value $made
    }
    $scratch = Join-Path $dir 'scratch'
    New-Item -ItemType Directory -Path $scratch -Force | Out-Null
    [pscustomobject]@{
        N = $N; Dir = $dir; Scratch = $scratch; JobId = $jobId; OneGroupJobId = "$($jobId)_onegroup"
        Json = Join-Path $dir 'results.json'; Csv = Join-Path $dir 'results.csv.zip'
        Parquet = Join-Path $dir 'results.parquet'; OneGroup = Join-Path $dir 'results-one-group.parquet'
        Duck = Join-Path $dir 'results-122880.parquet'; DuckJobId = "$($jobId)_122880"
        Embedding = Join-Path $dir 'results-embedding.parquet'; EmbeddingJobId = "$($jobId)_embedding"
    }
}

function Register-BenchJob($Server, $Data) {
    Invoke-MockControl -Server $Server -Path 'jobs' -Body @{
        job_id = $Data.JobId; name = "bench-$($Data.N)"; num_rows = $Data.N
        results_files = @{ json = $Data.Json; csv = $Data.Csv; parquet = $Data.Parquet }
    } | Out-Null
    Invoke-MockControl -Server $Server -Path 'jobs' -Body @{
        job_id = $Data.OneGroupJobId; name = "bench-$($Data.N)-one-group"; num_rows = $Data.N
        results_files = @{ parquet = $Data.OneGroup }
    } | Out-Null
    Invoke-MockControl -Server $Server -Path 'jobs' -Body @{
        job_id = $Data.DuckJobId; name = "bench-$($Data.N)-122880"; num_rows = $Data.N
        results_files = @{ parquet = $Data.Duck }
    } | Out-Null
    Invoke-MockControl -Server $Server -Path 'jobs' -Body @{
        job_id = $Data.EmbeddingJobId; name = "bench-$($Data.N)-embedding"; num_rows = $Data.N
        results_files = @{ parquet = $Data.Embedding }
    } | Out-Null
}

function Quote([string]$Text) { "'" + ($Text -replace "'", "''") + "'" }

function New-BenchCase($Server, $Data) {
    # Each case: a name, the format it reads, what it is compared with, and the script its child pwsh runs.
    # Every script leaves the number of rows it saw (or the bytes it saved) in $count.
    $n = $Data.N
    $api = "-ApiUrl $(Quote $Server.Url) -ApiKey $(Quote $Server.Key)"
    $module = "Import-Module $(Quote $ModulePath)"
    $resultsUri = { param($job, $format) Quote "$($Server.Url)/v1/jobs/$job/results?format=$format&include_inputs=true&include_cumulative_logprobs=true" }
    $headers = "@{ Authorization = 'Key $($Server.Key)' }"
    $scratch = Quote $Data.Scratch
    # Get-SutroJobResult runs with -NoCache: every run measures the download and decoding, not the results cache.
    $cases = [System.Collections.Generic.List[object]]::new()
    function Add([string]$Name, [string]$Group, [string]$Baseline, [string]$Script, [long]$Expect = $n, [string[]]$Reset) {
        $cases.Add([pscustomobject]@{ Name = $Name; Group = $Group; Baseline = $Baseline; Script = $Script; Expect = $Expect; Reset = $Reset })
    }

    Add 'Start-up: an empty pwsh' 'FloorStart' '' "`$count = 0" -Expect 0
    Add 'Floor: Write-FloorRow | Measure-Object' 'Floor' '' "Import-Module $(Quote $floorModule); `$count = (Write-FloorRow -Count $n -Seed $seed -JobId $($Data.JobId) | Measure-Object).Count"
    foreach ($format in 'Parquet', 'Csv', 'Json') {
        Add "Get-SutroJobResult -Format $format | Measure-Object" $format $(if ($format -ne 'Parquet') { "Builtin$format" }) `
            "$module; `$count = (Get-SutroJobResult -JobId $($Data.JobId) -Format $format -IncludeInput -IncludeCumulativeLogprob -NoCache $api | Measure-Object).Count"
    }
    Add 'Get-SutroJobResult -Format Parquet (one row group) | Measure-Object' 'Parquet1' '' `
        "$module; `$count = (Get-SutroJobResult -JobId $($Data.OneGroupJobId) -Format Parquet -IncludeInput -IncludeCumulativeLogprob -NoCache $api | Measure-Object).Count"
    Add 'Get-SutroJobResult -Format Parquet (122,880-row groups) | Measure-Object' 'Parquet122880' '' `
        "$module; `$count = (Get-SutroJobResult -JobId $($Data.DuckJobId) -Format Parquet -IncludeInput -IncludeCumulativeLogprob -NoCache $api | Measure-Object).Count"
    Add 'Get-SutroJobResult -Format Parquet (list<double> outputs, 32 a row) | Measure-Object' 'ParquetEmbedding' '' `
        "$module; `$count = (Get-SutroJobResult -JobId $($Data.EmbeddingJobId) -Format Parquet -IncludeInput -IncludeCumulativeLogprob -NoCache $api | Measure-Object).Count"
    $csvOut = Quote (Join-Path $Data.Scratch 'pipe.csv')
    Add 'Floor: Write-FloorRow | Export-Csv' 'FloorCsv' '' "Import-Module $(Quote $floorModule); Write-FloorRow -Count $n -Seed $seed -JobId $($Data.JobId) | Export-Csv -LiteralPath $csvOut; `$count = $n" -Reset 'pipe.csv'
    Add 'Get-SutroJobResult -Format Parquet | Export-Csv' 'ParquetCsv' 'FloorCsv' `
        "$module; Get-SutroJobResult -JobId $($Data.JobId) -Format Parquet -IncludeInput -IncludeCumulativeLogprob -NoCache $api | Export-Csv -LiteralPath $csvOut; `$count = $n" -Reset 'pipe.csv'
    Add 'Built-in CSV: Invoke-WebRequest -OutFile, Expand-Archive, Import-Csv | Measure-Object' 'BuiltinCsv' '' @"
`$zip = Join-Path $scratch 'builtin.zip'; `$dir = Join-Path $scratch 'builtin-csv'
Invoke-WebRequest -Uri $(& $resultsUri $Data.JobId 'csv') -Headers $headers -OutFile `$zip
Expand-Archive -LiteralPath `$zip -DestinationPath `$dir -Force
`$count = (Import-Csv -LiteralPath (Get-ChildItem -LiteralPath `$dir -Filter *.csv).FullName | Measure-Object).Count
"@ -Reset 'builtin.zip', 'builtin-csv'
    if (-not $SkipSlow) {
        Add 'Built-in JSON: Invoke-RestMethod, a [pscustomobject] per row | Measure-Object' 'BuiltinJson' '' @"
`$r = Invoke-RestMethod -Uri $(& $resultsUri $Data.JobId 'json') -Headers $headers
`$in = `$r.inputs; `$out = `$r.outputs; `$lp = `$r.cumulative_logprobs
`$count = (& { for (`$i = 0; `$i -lt `$out.Count; `$i++) { [pscustomobject]@{ JobId = '$($Data.JobId)'; Index = `$i; Input = `$in[`$i]; Output = `$out[`$i]; CumulativeLogprob = `$lp[`$i] } } } | Measure-Object).Count
"@
    }
    foreach ($file in @(@('Parquet', $Data.Parquet), @('Csv', $Data.Csv), @('Json', $Data.Json))) {
        Add "Import-SutroJobResult $([IO.Path]::GetFileName($file[1])) | Measure-Object" "Import$($file[0])" $file[0] `
            "$module; `$count = (Import-SutroJobResult -LiteralPath $(Quote $file[1]) | Measure-Object).Count"
    }
    $size = (Get-Item -LiteralPath $Data.Parquet).Length
    # Export records the job id in the Parquet footer: the case counts the bytes before the footer (the data pages,
    # which must be the served file's).
    $dataBytes = { param($path) "(& { `$f = [IO.File]::OpenRead($path); `$null = `$f.Seek(-8, 'End'); `$b = [byte[]]::new(4); `$f.ReadExactly(`$b); `$f.Dispose(); (Get-Item -LiteralPath $path).Length - 8 - [BitConverter]::ToInt32(`$b, 0) })" }
    $servedData = & ([scriptblock]::Create((& $dataBytes (Quote $Data.Parquet))))
    Add 'Export-SutroJobResult -Format Parquet' 'Export' 'BuiltinExport' `
        "$module; Export-SutroJobResult -JobId $($Data.JobId) -Format Parquet -LiteralPath (Join-Path $scratch 'export.parquet') -IncludeInput -IncludeCumulativeLogprob $api; `$count = $(& $dataBytes "(Join-Path $scratch 'export.parquet')")" `
        -Expect $servedData -Reset 'export.parquet'
    Add 'Built-in: Invoke-WebRequest -OutFile (Parquet)' 'BuiltinExport' '' `
        "Invoke-WebRequest -Uri $(& $resultsUri $Data.JobId 'parquet') -Headers $headers -OutFile (Join-Path $scratch 'builtin.parquet'); `$count = (Get-Item -LiteralPath (Join-Path $scratch 'builtin.parquet')).Length" `
        -Expect $size -Reset 'builtin.parquet'
    if ($Only) {
        $cases = [System.Collections.Generic.List[object]]@($cases | Where-Object {
                $group = $_.Group
                $group -like 'Floor*' -or @($Only | Where-Object { $group -like $_ }).Count -gt 0
            })
    }
    $cases
}

function Invoke-Measured($Case, $Data) {
    # One fresh pwsh: wall time and peak RSS of the whole process, start-up included.
    foreach ($name in @($Case.Reset | Where-Object { $_ })) {
        $path = Join-Path $Data.Scratch $name
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Recurse -Force }
    }
    $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
$($Case.Script)
`$hwm = (Select-String -LiteralPath /proc/self/status -Pattern '^VmHWM:\s+(\d+)' -ErrorAction Ignore).Matches.Groups[1].Value
"BENCH count=`$count hwm=`$hwm cpu=`$([Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString([cultureinfo]::InvariantCulture))"
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    $childArgs = @($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded)
    $timeFile = Join-Path $Data.Scratch 'time.txt'
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $output = if ($timeTool) { & $timeTool -v -o $timeFile $pwsh @childArgs 2>&1 } else { & $pwsh @childArgs 2>&1 }
    $clock.Stop()
    $exit = $LASTEXITCODE
    $text = ($output | ForEach-Object { "$_" }) -join "`n"
    if ($exit -ne 0 -or $text -notmatch 'BENCH count=(\d+) hwm=(\d*) cpu=([\d.]+)') {
        throw "$($Case.Name) failed (exit code $exit):`n$text"
    }
    $count = [long]$Matches[1]
    $hwmKb = if ($Matches[2]) { [long]$Matches[2] } else { 0 }
    $cpu = [double]::Parse($Matches[3], [cultureinfo]::InvariantCulture)
    if ($count -ne $Case.Expect) { throw "$($Case.Name) saw $count rows (or bytes), expected $($Case.Expect)." }
    $seconds = $clock.Elapsed.TotalSeconds
    $peakKb = $hwmKb
    if ($timeTool) {
        $report = Get-Content -LiteralPath $timeFile -Raw
        if ($report -match 'Elapsed \(wall clock\) time[^:]*:\s*(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)') {
            $seconds = [double]$(if ($Matches[1]) { $Matches[1] } else { 0 }) * 3600 + [double]$Matches[2] * 60 + [double]$Matches[3]
        }
        if ($report -match 'Maximum resident set size \(kbytes\):\s*(\d+)') { $peakKb = [long]$Matches[1] }
        if ($report -match 'User time \(seconds\):\s*([\d.]+)') {
            $user = [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture)
            if ($report -match 'System time \(seconds\):\s*([\d.]+)') { $cpu = $user + [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture) }
        }
    }
    [pscustomobject]@{ Seconds = $seconds; PeakMB = $peakKb / 1024; CpuSeconds = $cpu }
}

function Get-Median([double[]]$Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

function Format-Ratio($Value) { if ($null -eq $Value) { '' } else { '{0:0.00}' -f $Value } }

$sizes = if ($Rows -gt 100000 -and -not $SingleSize) { @(100000, $Rows) } else { @($Rows) }
$server = Start-SutroMockServer
$results = [System.Collections.Generic.List[object]]::new()
$started = Get-Date
try {
    foreach ($n in $sizes) {
        $data = Get-BenchData $n
        Register-BenchJob $server $data
        # Warm the page cache, so the first run reads the files from memory like the others.
        foreach ($f in $data.Json, $data.Csv, $data.Parquet, $data.OneGroup, $data.Duck, $data.Embedding) { [IO.File]::OpenRead($f).CopyTo([IO.Stream]::Null) }
        $cases = New-BenchCase $server $data
        $samples = @{}
        foreach ($case in $cases) { $samples[$case.Group] = [System.Collections.Generic.List[object]]::new() }
        for ($run = 1; $run -le $Runs; $run++) {
            foreach ($case in $cases) {
                Write-Host ("[{0:N0} rows, run {1}/{2}] {3} ..." -f $n, $run, $Runs, $case.Name) -NoNewline
                $m = Invoke-Measured $case $data
                Write-Host (" {0:0.00} s, {1:0.00} s CPU, {2:0} MB" -f $m.Seconds, $m.CpuSeconds, $m.PeakMB)
                $samples[$case.Group].Add($m)
            }
        }
        $medians = @{}
        foreach ($case in $cases) {
            $medians[$case.Group] = [pscustomobject]@{
                Seconds = Get-Median ($samples[$case.Group] | ForEach-Object Seconds)
                PeakMB  = Get-Median ($samples[$case.Group] | ForEach-Object PeakMB)
                CpuSeconds = Get-Median ($samples[$case.Group] | ForEach-Object CpuSeconds)
            }
        }
        foreach ($case in $cases) {
            $m = $medians[$case.Group]
            $floor = $medians['Floor']
            $base = if ($case.Baseline -and $medians.ContainsKey($case.Baseline)) { $medians[$case.Baseline] } else { $null }
            $isBytes = $case.Group -in 'Export', 'BuiltinExport'
            $start = $medians['FloorStart']
            # The least wall time this much CPU allows on this machine: the start-up as measured, the rest on every core.
            $least = $start.Seconds + [Math]::Max(0.0, $m.CpuSeconds - $start.CpuSeconds) / [Environment]::ProcessorCount
            $results.Add([pscustomobject]@{
                Rows         = $n
                Case         = $case.Name
                Group        = $case.Group
                Seconds      = $m.Seconds
                RowsPerSec   = if ($isBytes) { $null } else { $n / $m.Seconds }
                PeakMB       = $m.PeakMB
                CpuSeconds   = $m.CpuSeconds
                LeastSeconds = $least
                TimeVsFloor  = if ($isBytes) { $null } else { $m.Seconds / $floor.Seconds }
                LeastVsFloor = if ($isBytes) { $null } else { $least / $floor.Seconds }
                TimeVsBase   = if ($base) { $m.Seconds / $base.Seconds } else { $null }
                PeakVsBase   = if ($base) { $m.PeakMB / $base.PeakMB } else { $null }
                LeastVsBase  = if ($base) { $least / $base.Seconds } else { $null }
                Compared     = $case.Baseline
            })
        }
        if (-not $KeepData) { Remove-Item -LiteralPath $data.Dir -Recurse -Force }
        elseif (Test-Path -LiteralPath $data.Scratch) { Remove-Item -LiteralPath $data.Scratch -Recurse -Force }
    }
}
finally {
    Stop-SutroMockServer $server
}

# The table.
$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("# Sutro benchmark")
$lines.Add('')
$lines.Add("$($started.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC; $([Environment]::ProcessorCount) cores; PowerShell $($PSVersionTable.PSVersion); .NET $([Environment]::Version); median of $Runs runs, each a fresh pwsh process (start-up included); peak = peak resident memory of that process$(if (-not $timeTool) { ' (VmHWM)' }). Load average at the end: $(if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }).")
$lines.Add('')
$lines.Add('"vs floor": time over the floor''s time. "vs built-in": time and peak memory over the built-in way of the same format (for Import: over the matching Get; for Export: over Invoke-WebRequest -OutFile).')
$lines.Add("`"CPU`": user and system time of the whole process. `"Least`": the least wall time that CPU allows on $([Environment]::ProcessorCount) cores (the empty pwsh's start-up as measured, the rest of the CPU time spread over every core), over the floor's time; a time target below it cannot be met here without doing less work.")
$lines.Add('')
$lines.Add('| Rows | Case | Seconds | Rows/s | CPU s | Peak MB | Time vs floor | Least vs floor | Time vs built-in | Peak vs built-in |')
$lines.Add('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|')
foreach ($r in $results) {
    $lines.Add(('| {0:N0} | {1} | {2:0.00} | {3} | {4:0.00} | {5:0} | {6} | {7} | {8} | {9} |' -f $r.Rows, ($r.Case -replace '\|', '\|'), $r.Seconds,
        $(if ($r.RowsPerSec) { '{0:N0}' -f $r.RowsPerSec } else { '' }), $r.CpuSeconds, $r.PeakMB,
        (Format-Ratio $r.TimeVsFloor), (Format-Ratio $r.LeastVsFloor), (Format-Ratio $r.TimeVsBase), (Format-Ratio $r.PeakVsBase)))
}

# The issue's targets, at the largest size measured.
function Find([int]$N, [string]$Group) {
    # A case left out by -Only gives empty figures, which the targets report as not measured.
    $found = $results | Where-Object { $_.Rows -eq $N -and $_.Group -eq $Group } | Select-Object -First 1
    if ($found) { $found } else { [pscustomobject]@{ TimeVsFloor = $null; TimeVsBase = $null; PeakMB = $null; LeastVsFloor = $null; LeastVsBase = $null } }
}
function Ratio($Value, $Base) { if ($null -eq $Value -or $null -eq $Base) { $null } else { $Value / $Base } }
$big = $sizes[-1]
$small = $sizes[0]
$targets = [System.Collections.Generic.List[object]]::new()
function Target([string]$What, $Value, [double]$Limit, [string]$Unit, $Least = $null) {
    if ($null -eq $Value) { $targets.Add([pscustomobject]@{ What = $What; Value = 'not measured'; Met = '' }); return }
    $text = '{0:0.00}{1} (limit {2}{1}{3})' -f $Value, $Unit, $Limit, $(if ($null -ne $Least) { '; least its CPU allows here {0:0.00}{1}' -f $Least, $Unit } else { '' })
    $met = if ($Value -le $Limit) { 'PASS' } elseif ($null -ne $Least -and $Least -gt $Limit) { 'MISS (below what its CPU allows here)' } else { 'MISS' }
    $targets.Add([pscustomobject]@{ What = $What; Value = $text; Met = $met })
}
$p = Find $big 'Parquet'; $c = Find $big 'Csv'; $j = Find $big 'Json'; $e = Find $big 'Export'
foreach ($layout in @(@('Parquet', '100,000-row zstd groups'), @('Parquet1', 'one Snappy row group'), @('Parquet122880', '122,880-row Snappy groups'), @('ImportParquet', 'Import, 100,000-row groups'), @('ParquetEmbedding', 'list<double> outputs'))) {
    $r = Find $big $layout[0]
    # The floor writes text rows: an embedding's rows are another kind, so only its memory has a target.
    if ($layout[0] -ne 'ParquetEmbedding') { Target "Parquet time vs floor ($($layout[1]))" $r.TimeVsFloor 1.3 '×' $r.LeastVsFloor }
    Target "Parquet peak ($($layout[1]))" $r.PeakMB 160 ' MB'
    if ($small -ne $big) {
        Target "Parquet peak at $('{0:N0}' -f $big) vs $('{0:N0}' -f $small) rows ($($layout[1]))" (Ratio $r.PeakMB (Find $small $layout[0]).PeakMB) 1.3 '×'
    }
}
Target 'Get -Format Parquet \| Export-Csv vs Write-FloorRow \| Export-Csv' (Find $big 'ParquetCsv').TimeVsBase 1.2 '×' (Find $big 'ParquetCsv').LeastVsBase
Target 'CSV time vs built-in' $c.TimeVsBase 0.35 '×' $c.LeastVsBase
Target 'CSV peak' $c.PeakMB 160 ' MB'
Target 'JSON time vs floor' $j.TimeVsFloor 1.5 '×' $j.LeastVsFloor
Target 'JSON peak' $j.PeakMB 160 ' MB'
foreach ($f in 'Parquet', 'Csv', 'Json') { Target "Import $f vs Get" (Find $big "Import$f").TimeVsBase 1.1 '×' }
Target 'Export time vs Invoke-WebRequest -OutFile' $e.TimeVsBase 1.0 '×' $e.LeastVsBase
if ($small -ne $big) {
    foreach ($f in 'Csv', 'Json') {
        Target "$f peak at $('{0:N0}' -f $big) vs at $('{0:N0}' -f $small) rows" (Ratio (Find $big $f).PeakMB (Find $small $f).PeakMB) 1.5 '×'
    }
    Target "Export peak at $('{0:N0}' -f $big) vs at $('{0:N0}' -f $small) rows" (Ratio (Find $big 'Export').PeakMB (Find $small 'Export').PeakMB) 1.5 '×'
}
$lines.Add('')
$lines.Add("## Targets at $('{0:N0}' -f $big) rows")
$lines.Add('')
$lines.Add('| Target | Measured | Met |')
$lines.Add('|---|---|---|')
foreach ($t in $targets) { $lines.Add("| $($t.What) | $($t.Value) | $($t.Met) |") }

$markdown = $lines -join "`n"
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$file = Join-Path $OutputPath ("bench-{0}-{1:yyyyMMdd-HHmmss}.md" -f $Rows, $started)
Set-Content -LiteralPath $file -Value $markdown -Encoding utf8NoBOM
Write-Host ''
Write-Host $markdown
Write-Host ''
Write-Host "Written to $file"
