using System;
using System.Collections.Generic;
using System.IO;

namespace Sutro.MockServer;

/// <summary>The catalogue present at start-up and restored by <c>POST /_mock/reset</c>.</summary>
public static class BuiltInJobs
{
    private const string StructuredSchema =
        """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}},"address":{"type":"object","properties":{"city":{"type":"string"}}}},"required":["name","age"]}""";

    public static IReadOnlyList<JobDefinition> Create(string? fixturesDir, TextWriter log)
    {
        var jobs = new List<JobDefinition>
        {
            new()
            {
                JobId = "job_demo_001", Name = "ticket-triage", Description = "Classify support tickets",
                SystemPrompt = "Label the ticket and explain in one sentence.", DatetimeCreated = "2026-11-20T10:00:00Z",
                Rows = DemoRows(),
            },
            Fixture(fixturesDir, log, "job_12345", "small", "small.polars.zstd.parquet", "2026-11-18T08:30:00Z"),
            Fixture(fixturesDir, log, "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty", "nasty.polars.zstd.parquet", "2026-11-18T09:00:00Z"),
            Fixture(fixturesDir, log, "job_structured_001", "structured", "structured.polars.zstd.parquet", "2026-11-18T09:30:00Z", StructuredSchema),
            Fixture(fixturesDir, log, "job_reasoning_obj", "reasoning_obj", "reasoning_obj.polars.zstd.parquet", "2026-11-18T10:00:00Z", StructuredSchema, "deepseek-r1"),
            Fixture(fixturesDir, log, "job_outputs_only", "outputs_only", "outputs_only.duckdb.zstd.jobcol.parquet", "2026-11-18T10:30:00Z"),
            new()
            {
                JobId = "job_same_001", Name = "same-rows-every-format", DatetimeCreated = "2026-11-19T07:15:00Z",
                Rows = SameRows(),
                IdColumn = new ExtraColumn("row_id", new object?[] { "r1", "r2", "r3", "r4", "r5", "r6", "r7" }),
                ExtraColumns = new[]
                {
                    new ExtraColumn("confidence_score", new object?[] { 0.9, 0.8, 0.75, 0.5, 0.99, 0.1, 0.125 }),
                },
            },
            new()
            {
                JobId = "job_running_001", Name = "still-running", DatetimeCreated = "2026-11-20T11:00:00Z",
                Statuses = new[] { "RUNNING" }, Rows = new GeneratedRows(4, 60, 120),
            },
            new()
            {
                JobId = "job_lifecycle_001", Name = "lifecycle", DatetimeCreated = "2026-11-20T11:30:00Z",
                Statuses = new[] { "QUEUED", "RUNNING", "RUNNING", "SUCCEEDED" },
                Rows = new[]
                {
                    new ResultRow("Name a primary colour.", "Blue", -0.75),
                    new ResultRow("Name a planet.", "Mars", -1.25),
                    new ResultRow("Name a prime number.", "7", -0.5),
                },
            },
            new()
            {
                JobId = "job_failed_001", Name = "failed-oom", DatetimeCreated = "2026-11-20T12:00:00Z",
                Statuses = new[] { "FAILED" }, Rows = new GeneratedRows(20, 60, 120),
                FailureReason = """{"message":"Model ran out of memory","additional_context":"row 17"}""",
            },
            new()
            {
                JobId = "job_cancelled_001", Name = "cancelled-by-user", DatetimeCreated = "2026-11-20T12:30:00Z",
                Statuses = new[] { "CANCELLED" }, Rows = new GeneratedRows(5, 60, 120),
            },
            new()
            {
                JobId = "job_big_001", Name = "big-200k", DatetimeCreated = "2026-11-17T06:00:00Z",
                Rows = new GeneratedRows(200_000, 200, 400), TokenOverride = (200_000L * 50, 200_000L * 100),
            },
            new()
            {
                JobId = "job_structured_gen", Name = "structured-people", DatetimeCreated = "2026-11-19T08:00:00Z",
                JsonSchema = StructuredSchema, Rows = StructuredRows(),
            },
            new()
            {
                JobId = "job_reasoning_gen", Name = "reasoning-people", Model = "deepseek-r1", DatetimeCreated = "2026-11-19T08:30:00Z",
                JsonSchema = StructuredSchema, Rows = ReasoningRows(),
            },
        };
        return jobs;
    }

    private static JobDefinition Fixture(string? dir, TextWriter log, string jobId, string stem, string parquet,
        string created, string? schema = null, string model = "llama-3.1-8b")
    {
        var files = new FixtureFiles(stem + ".json", stem + ".csv.zip", parquet);
        IReadOnlyList<ResultRow> rows = Array.Empty<ResultRow>();
        if (dir is null)
        {
            log.WriteLine($"sutro-mock: warning: no fixtures folder; {jobId} is served from generated (empty) rows");
        }
        else
        {
            foreach (string? f in new[] { files.Json, files.Csv, files.Parquet })
            {
                if (!File.Exists(FixtureRows.Resolve(dir, f!))) log.WriteLine($"sutro-mock: warning: fixture {f} not found in {dir}");
            }
            string json = FixtureRows.Resolve(dir, files.Json!);
            if (File.Exists(json)) rows = FixtureRows.Load(json);
        }
        return new JobDefinition
        {
            JobId = jobId, Name = stem, Model = model, DatetimeCreated = created, JsonSchema = schema,
            Rows = rows, Fixtures = files,
        };
    }

    private static ResultRow[] DemoRows() => new[]
    {
        new ResultRow("I was charged twice for my subscription this month.", "billing: Duplicate charge on the monthly subscription.", -0.1234567890123),
        new ResultRow("The dashboard has been down since 9am, nobody can log in.", "outage: Login service unavailable since 09:00.", -0.2718281828459),
        new ResultRow("Could you add dark mode to the mobile app?", "feature-request: Dark mode for the mobile app.", -0.5772156649015),
        new ResultRow("How do I export my invoices as PDF?", "how-to: Invoices can be exported from Billing > History.", -0.3141592653589),
        new ResultRow("My API key stopped working after I rotated it.", "auth: Rotated key not yet propagated.\nSuggest waiting 5 minutes or re-issuing.", -1.4142135623731),
        new ResultRow("The app crashes when I upload a 2 GB file.", "bug: Crash on uploads above the 2 GB limit.", -0.6931471805599),
        new ResultRow("Please cancel my account and delete my data.", "account: Cancellation and data deletion (GDPR) request.", -0.0000123456789),
        new ResultRow("Your status page says \"all good\" but uploads fail.", "outage: Uploads failing, status page says \"all good\", needs update.", -2.3025850929940),
        new ResultRow("Can I get a discount for a nonprofit?", "billing: Nonprofit discount inquiry.", -0.8813735870195),
        new ResultRow("Search results load very slowly in Firefox.", "performance: Slow search results in Firefox.", -1.0986122886681),
        new ResultRow("Would love a Slack integration for alerts!", "feature-request: Slack integration for alerts.", -0.4054651081081),
        new ResultRow("Thanks, the fix works great.", "feedback: Customer confirms the fix works.", -0.0100503358535),
    };

    private static ResultRow[] SameRows() => new[]
    {
        new ResultRow("What is 2+2?", "4", -0.25),
        new ResultRow(null, "No input was given.", -1.5),
        new ResultRow("Say nothing at all.", "", -0.0001),
        new ResultRow("Write two lines.", "Line one\r\nLine two\r\n", -3.0625),
        new ResultRow("Send a rocket emoji", "Here you go: \U0001F680 and caf\u00e9", -0.1234567890123),
        new ResultRow("Quote me, please", "She said \"yes, of course\", then left.", null),
        new ResultRow("Tabs\tand trailing space ", "  leading and trailing  ", -123456.789),
    };

    private static ResultRow[] StructuredRows() => new[]
    {
        new ResultRow("Ada Lovelace, 36, London. Tags x, y.",
            """{"name":"Ada","age":36,"tags":["x","y"],"address":{"city":"London"}}""", -1.75),
        new ResultRow("Grace Hopper, 85, Arlington.",
            """{"name":"Grace","age":85,"tags":[],"address":{"city":"Arlington"}}""", -2.5),
        new ResultRow("Alan Turing, 41, Wilmslow; tags: \"math\", cs.",
            """{"name":"Alan","age":41,"tags":["math","cs"],"address":{"city":"Wilmslow"}}""", -0.875),
    };

    private static ResultRow[] ReasoningRows() => new[]
    {
        new ResultRow("What is the capital of France?",
            """{"content":"Paris is the capital of France.","reasoning_content":"The question asks for a capital city; France's is Paris."}""", -4.5),
        new ResultRow("Extract the person: Ada Lovelace, 36.",
            """{"content":"{\"name\":\"Ada\",\"age\":36}","reasoning_content":"The name is Ada and the age is 36."}""", -6.25),
        new ResultRow("Extract the person: Grace Hopper, 85.",
            """{"content":{"name":"Grace","age":85},"reasoning_content":"I found the name first, then the age."}""", -5.125),
    };
}
