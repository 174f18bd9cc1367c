using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Results;
using Xunit;
using Xunit.Abstractions;

namespace Sutro.Tests;

/// <summary>
/// Randomised damage to the valid fixtures (truncation and flipped bytes): every decoder must either
/// return rows or throw the module's own <see cref="ResultDecodeException"/>, never another exception
/// type, and never hang. The seed is fixed so CI is repeatable; SUTRO_FUZZ_SEED=random (or a number)
/// explores other cases, and a failure names the seed and the damage that reproduce it.
/// </summary>
public class DecoderFuzzTests : IDisposable
{
    private const int CasesPerFile = 1500;
    private const int FixedSeed = 20261126;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-fuzz-").FullName;
    private readonly ITestOutputHelper _output;

    public DecoderFuzzTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("nasty.json", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f")]
    [InlineData("structured.json", "job_structured_001")]
    [InlineData("nasty.csv.zip", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f")]
    [InlineData("reasoning_obj.csv.zip", "job_reasoning_obj")]
    [InlineData("nasty.polars.zstd.parquet", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f")]
    [InlineData("small.polars.zstd.parquet", "job_12345")]
    [InlineData("outputs_only.duckdb.zstd.jobcol.parquet", "job_outputs_only")]
    [InlineData("pages.duckdb.v2.snappy.parquet", "job_pages")]
    [InlineData("pages.duckdb.v1.brotli.parquet", "job_pages")]
    [InlineData("pages.duckdb.v1.lz4.parquet", "job_pages")]
    [InlineData("pages.polars.snappy.parquet", "job_pages")]
    [InlineData("flattypes.duckdb.parquet", "job_x")]
    public async Task DamagedFixturesFailOnlyWithTheModulesOwnError(string file, string jobId)
    {
        byte[] original = File.ReadAllBytes(Canonical.FixturePath("valid", file));
        int seed = Seed();
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        string path = Path.Combine(_dir, "case" + Path.GetExtension(file));
        for (int n = 0; n < CasesPerFile; n++)
        {
            byte[] bytes;
            string damage;
            if (random.Next(3) == 0)
            {
                int cut = random.Next(original.Length);
                bytes = original[..cut];
                damage = $"truncated to {cut} bytes";
            }
            else
            {
                bytes = (byte[])original.Clone();
                damage = "bytes";
                for (int flips = random.Next(1, 5); flips > 0; flips--)
                {
                    int at = random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                    damage += $" [{at}]={bytes[at]}";
                }
            }

            File.WriteAllBytes(path, bytes);
            var run = Task.Run(() => DecodeAll(path, jobId));
            bool finished = await Task.WhenAny(run, Task.Delay(CaseLimit)) == run;
            Assert.True(finished, $"Decoding {file} with {damage} (seed {seed}, case {n}) did not finish within {CaseLimit.TotalSeconds} s.");
            Exception? foreign = await run;
            Assert.True(foreign is null, $"Decoding {file} with {damage} (seed {seed}, case {n}) threw {foreign}");
        }
    }

    private static int Seed()
    {
        string? asked = Environment.GetEnvironmentVariable("SUTRO_FUZZ_SEED");
        return asked switch
        {
            null or "" => FixedSeed,
            "random" => Random.Shared.Next(),
            _ => int.Parse(asked, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Decodes every row; returns any exception that is not the module's own decode error.</summary>
    private static Exception? DecodeAll(string path, string jobId)
    {
        try
        {
            using var decoder = ResultDecoders.Open(path, null, new[] { jobId }, CancellationToken.None);
            foreach (var batch in decoder.ReadBatches(CancellationToken.None))
            {
                _ = batch.Count;
            }

            return null;
        }
        catch (ResultDecodeException)
        {
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
