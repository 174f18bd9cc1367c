using System;
using System.Text.Json;
using Sutro.Jobs;
using Xunit;

namespace Sutro.Tests;

/// <summary>The job answers are read tolerantly: nulls, unknown keys, odd status words, both job_status shapes.</summary>
public class JobParserTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void ReadsEveryKnownFieldOfAJob()
    {
        var job = JobParser.ParseJobAnswer(Json("""
            {"job": {"job_id": "job_1", "name": "triage", "description": "d", "model": "llama-3.1-8b",
              "system_prompt": "Be brief.", "job_priority": 1, "status": "SUCCEEDED",
              "datetime_created": "2026-11-20T10:00:00Z", "datetime_started": "2026-11-20T10:02:00.250000+00:00",
              "datetime_completed": "2026-11-20T10:05:00", "json_schema": {"type": "object"},
              "sampling_params": {"temperature": 0.2}, "dataset_id": "ds_9", "num_rows": 12,
              "input_tokens": 345, "output_tokens": 678, "job_cost": 0.000123, "cost_estimate": null,
              "failure_reason": null, "future_field": {"nested": [1, 2]}}}
            """));

        Assert.Equal("job_1", job.JobId);
        Assert.Equal("triage", job.Name);
        Assert.Equal("d", job.Description);
        Assert.Equal("llama-3.1-8b", job.Model);
        Assert.Equal("Be brief.", job.SystemPrompt);
        Assert.Equal(1, job.Priority);
        Assert.Equal("SUCCEEDED", job.Status);
        Assert.True(job.IsFinal);
        Assert.Equal(DateTimeKind.Local, job.Created!.Value.Kind);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), job.Created.Value.ToUniversalTime());
        Assert.Equal(new DateTime(2026, 11, 20, 10, 2, 0, 250, DateTimeKind.Utc), job.Started!.Value.ToUniversalTime());
        Assert.Equal(new DateTime(2026, 11, 20, 10, 5, 0, DateTimeKind.Utc), job.Completed!.Value.ToUniversalTime());
        Assert.Equal("""{"type": "object"}""", job.JsonSchema);
        Assert.Equal("""{"temperature": 0.2}""", job.SamplingParams);
        Assert.Equal("ds_9", job.DatasetId);
        Assert.Equal(12L, job.Rows);
        Assert.Equal(345L, job.InputTokens);
        Assert.Equal(678L, job.OutputTokens);
        Assert.Equal(0.000123m, job.Cost);
        Assert.Null(job.CostEstimate);
        Assert.Null(job.FailureReason);
        Assert.Equal("job_1", job.ToString());
    }

    [Fact]
    public void ToleratesNullsMissingFieldsAndStringNumbers()
    {
        var job = JobParser.ParseJob(Json("""
            {"job_id": "job_2", "status": null, "num_rows": "40", "input_tokens": 12.0, "output_tokens": "n/a",
             "job_cost": "1.5", "datetime_created": null, "datetime_started": "not a date", "datetime_completed": 1795000000}
            """));

        Assert.Equal("job_2", job.JobId);
        Assert.Null(job.Name);
        Assert.Null(job.Priority);
        Assert.Equal("UNKNOWN", job.Status);
        Assert.False(job.IsFinal);
        Assert.Equal(40L, job.Rows);
        Assert.Equal(12L, job.InputTokens);
        Assert.Null(job.OutputTokens);
        Assert.Equal(1.5m, job.Cost);
        Assert.Null(job.Created);
        Assert.Null(job.Started);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1795000000), job.Completed!.Value.ToUniversalTime());
    }

    [Fact]
    public void ReadsTheFailureReasonAsObjectOrText()
    {
        var structured = JobParser.ParseJob(Json("""{"job_id": "j", "status": "FAILED", "failure_reason": {"message": "Out of memory", "additional_context": "row 17"}}"""));
        Assert.Equal("Out of memory", structured.FailureReason);
        Assert.Equal("row 17", structured.FailureContext);

        var nested = JobParser.ParseJob(Json("""{"job_id": "j", "failure_reason": {"message": "Bad schema", "additional_context": {"field": "age"}}}"""));
        Assert.Equal("Bad schema", nested.FailureReason);
        Assert.Equal("""{"field": "age"}""", nested.FailureContext);

        var text = JobParser.ParseJob(Json("""{"job_id": "j", "failure_reason": "Timed out"}"""));
        Assert.Equal("Timed out", text.FailureReason);
        Assert.Null(text.FailureContext);
    }

    [Theory]
    [InlineData("running", "RUNNING", false)]
    [InlineData("Succeeded", "SUCCEEDED", true)]
    [InlineData("pending", "QUEUED", false)]
    [InlineData("SUBMITTED", "QUEUED", false)]
    [InlineData("canceled", "CANCELLED", true)]
    [InlineData("cancelling", "CANCELLING", false)]
    [InlineData("failed", "FAILED", true)]
    [InlineData("warming_up", "WARMING_UP", false)]
    [InlineData("COMPLETED", "SUCCEEDED", true)]
    [InlineData("success", "SUCCEEDED", true)]
    [InlineData("Done", "SUCCEEDED", true)]
    [InlineData("ERROR", "FAILED", true)]
    [InlineData("", "UNKNOWN", false)]
    public void NormalizesStatusWords(string word, string status, bool final)
    {
        Assert.Equal(status, JobStatus.Normalize(word));
        Assert.Equal(final, JobStatus.IsFinal(word));
        Assert.Equal(status, JobParser.ParseJob(Json($$"""{"job_id": "j", "status": "{{word}}"}""")).Status);
    }

    [Theory]
    [InlineData("RUNNING", "Running", true)]
    [InlineData("RUNNING", "running", true)]
    [InlineData("RUNNING", "Queued", false)]
    [InlineData("WARMING_UP", "Unknown", true)]
    [InlineData("UNKNOWN", "Unknown", true)]
    [InlineData("QUEUED", "Unknown", false)]
    public void MatchesStatusFilters(string status, string filter, bool matches)
    {
        Assert.Equal(matches, JobStatus.Matches(status, filter));
    }

    [Fact]
    public void ReadsJobStatusAsAMapByIdOrABareString()
    {
        var map = JobParser.ParseStatusAnswer(Json("""{"message": "ok", "job_status": {"job_1": "running"}, "metadata": null}"""), "job_1");
        Assert.Equal("RUNNING", map.Status);
        Assert.Null(map.FailureReason);

        var bare = JobParser.ParseStatusAnswer(Json("""{"job_status": "SUCCEEDED"}"""), "job_1");
        Assert.Equal("SUCCEEDED", bare.Status);

        var otherKey = JobParser.ParseStatusAnswer(Json("""{"job_status": {"JOB_1": "pending"}}"""), "job_1");
        Assert.Equal("QUEUED", otherKey.Status);

        var failed = JobParser.ParseStatusAnswer(Json("""
            {"job_status": {"job_1": "FAILED"}, "metadata": {"failure_reason": {"message": "Model ran out of memory", "additional_context": "row 17"}}}
            """), "job_1");
        Assert.Equal("FAILED", failed.Status);
        Assert.Equal("Model ran out of memory", failed.FailureReason);
        Assert.Equal("row 17", failed.FailureContext);
    }

    [Theory]
    [InlineData("""{"message": "ok"}""")]
    [InlineData("""{"job_status": {"job_a": "RUNNING", "job_b": "QUEUED"}}""")]
    [InlineData("""[]""")]
    public void AStatusAnswerWithoutAStatusIsAFormatError(string json)
    {
        Assert.Throws<FormatException>(() => JobParser.ParseStatusAnswer(Json(json), "job_1"));
    }

    [Fact]
    public void ReadsJobListsAndSkipsWhatIsNotAJob()
    {
        var jobs = JobParser.ParseJobList(Json("""{"jobs": [{"job_id": "a", "status": "QUEUED"}, null, 3, {"name": "no id"}, {"job_id": "b"}]}"""));
        Assert.Equal(new[] { "a", "b" }, jobs.ConvertAll(j => j.JobId));

        var bare = JobParser.ParseJobList(Json("""[{"job_id": "c"}]"""));
        Assert.Equal("c", Assert.Single(bare).JobId);

        Assert.Throws<FormatException>(() => JobParser.ParseJobList(Json("""{"detail": "x"}""")));
    }

    [Fact]
    public void ReadsAPageOfJobsAndItsCursor()
    {
        var page = JobParser.ParseJobPage(Json("""{"jobs": [{"job_id": "b"}, {"job_id": "a"}], "next_cursor": "c2"}"""));
        Assert.Equal(new[] { "b", "a" }, page.Jobs.ConvertAll(j => j.JobId));
        Assert.Equal("c2", page.NextCursor);

        var last = JobParser.ParseJobPage(Json("""{"jobs": [{"job_id": "z"}], "next_cursor": null}"""));
        Assert.Null(last.NextCursor);

        // A server that ignores limit answers every job and no cursor: one last page.
        var all = JobParser.ParseJobPage(Json("""{"message": "ok", "jobs": [{"job_id": "x"}, {"job_id": "y"}]}"""));
        Assert.Equal(new[] { "x", "y" }, all.Jobs.ConvertAll(j => j.JobId));
        Assert.Null(all.NextCursor);
    }

    [Fact]
    public void ReadsRunType()
    {
        Assert.Equal("COST_ESTIMATE", JobParser.ParseJob(Json("""{"job_id": "e", "run_type": "COST_ESTIMATE"}""")).RunType);
        Assert.Null(JobParser.ParseJob(Json("""{"job_id": "f"}""")).RunType);
    }

    [Fact]
    public void ReadsQuotas()
    {
        var quotas = JobParser.ParseQuotas(Json("""{"quotas": [{"priority": 0, "row_quota": 100000, "token_quota": 50000000}, {"priority": 1, "row_quota": null}]}"""));
        Assert.Equal(2, quotas.Count);
        Assert.Equal((0, 100000L, 50000000L), (quotas[0].Priority, quotas[0].RowQuota, quotas[0].TokenQuota));
        Assert.Equal((1, (long?)null, (long?)null), (quotas[1].Priority, quotas[1].RowQuota, quotas[1].TokenQuota));
    }

    [Fact]
    public void AQuotaWithoutPriorityTakesItsListPosition()
    {
        var quotas = JobParser.ParseQuotas(Json("""{"quotas": [{"row_quota": 5}, {"row_quota": 7, "token_quota": 9}, {"priority": 7, "row_quota": 1}]}"""));
        Assert.Equal(new[] { 0, 1, 7 }, quotas.ConvertAll(q => q.Priority));
        Assert.Equal(new long?[] { 5, 7, 1 }, quotas.ConvertAll(q => q.RowQuota));
    }

    [Theory]
    [InlineData("""{"authenticated": true}""", true)]
    [InlineData("""{"authenticated": false}""", false)]
    [InlineData("""{}""", true)]
    public void ReadsTheAuthenticationAnswer(string json, bool authenticated)
    {
        Assert.Equal(authenticated, JobParser.ParseAuthenticated(Json(json)));
    }

    [Theory]
    [InlineData("""{"update_type":"progress","result":42}""", 42L, null, null, null)]
    [InlineData("""{"update_type":"tokens","result":{"input_tokens":1}}""", null, 1L, null, null)]
    [InlineData("""{"update_type":"tokens","result":{"output_tokens":5,"total_tokens_processed_per_second":2.5}}""", null, null, 5L, 2.5)]
    [InlineData("""{"update_type":"tokens","result":{"input_tokens":3,"output_tokens":4,"total_tokens_processed_per_second":10}}""", null, 3L, 4L, 10.0)]
    public void ReadsProgressAndTokenLines(string line, long? rows, long? input, long? output, double? rate)
    {
        Assert.Equal(new Sutro.Api.ProgressUpdate(rows, input, output, rate), Sutro.Api.ProgressUpdate.Parse(line));
    }

    [Theory]
    [InlineData("""{"update_type":"progress"}""")]
    [InlineData("""{"update_type":"tokens","result":{}}""")]
    [InlineData("""not json""")]
    [InlineData("")]
    public void SkipsLinesThatSayNothing(string line)
    {
        Assert.Null(Sutro.Api.ProgressUpdate.Parse(line));
    }

    [Fact]
    public void KeepsTheHighestTokenCountsSeen()
    {
        var seen = new ProgressSeen();
        seen.Add(new Sutro.Api.ProgressUpdate(null, 600, null, null));
        seen.Add(new Sutro.Api.ProgressUpdate(null, null, 1000, 2000));
        seen.Add(new Sutro.Api.ProgressUpdate(2, 1200, 3400, 1234.5));
        seen.Add(new Sutro.Api.ProgressUpdate(1, 100, null, null));
        Assert.Equal(new Sutro.Api.ProgressUpdate(2, 1200, 3400, 2000), seen.Snapshot());
        Assert.Equal(", 1,200 input / 3,400 output tokens, 2,000 tokens/s", JobWaitProgress.Tokens(seen.Snapshot()));
    }
}
