using System;
using System.Management.Automation;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;
using Sutro.Submission;

namespace Sutro.Api;

/// <summary><c>POST batch-inference</c>: submits a job, once.</summary>
internal sealed partial class SutroApi
{
    /// <summary>
    /// Sends <paramref name="submission"/> and returns the new job's id (<c>results</c>, or <c>job_id</c> from
    /// older deployments). Never retried: a 5xx (a CDN 524 among them), a broken connection or an answer that
    /// does not come leaves unknown whether the job was created, and a second try could create a second job.
    /// Those are <c>SubmissionOutcomeUnknown</c>, whose message shows how to find the job by its name; a 4xx
    /// answer means no job was created. The body streams from the spool; <paramref name="progress"/> gets bytes
    /// sent and the total. <paramref name="answerTimeout"/> counts from the end of the upload, so the client's
    /// own response timeout must cover the upload (give it an infinite one).
    /// </summary>
    public async Task<string> SubmitAsync(
        BatchSubmission submission, TimeSpan answerTimeout, Action<long, long> progress, CancellationToken cancellationToken)
    {
        byte[] head = submission.Head();
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await Client.SendOnceAsync(HttpMethod.Post, Client.UriFor("batch-inference"), null,
                request => request.Content = new SubmissionContent(head, submission.Inputs, progress, () => answer.CancelAfter(answerTimeout)),
                answer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unknown(submission, $"no answer came within {answerTimeout.TotalSeconds:0} s of the upload's end", null, ex);
        }
        catch (SutroApiException ex) when (ex.StatusCode is null or >= 500)
        {
            throw Unknown(submission, ex.Message, ex.StatusCode, ex);
        }
        catch (SutroApiException ex) when (ex.StatusCode is 400 or 422)
        {
            throw new SutroApiException(ErrorIds.SubmissionRejected, ErrorCategory.InvalidArgument,
                NoJobCreated(ex.Message, ex.Reference), ex.StatusCode, ex)
            {
                Reference = ex.Reference,
            };
        }

        using (response)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(answerTimeout);
                await using var stream = await response.Content.ReadAsStreamAsync(limit.Token).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(stream, default, limit.Token).ConfigureAwait(false);
                return JobIdOf(document.RootElement)
                    ?? throw Unknown(submission, "the API's answer holds no job id (neither 'results' nor 'job_id')", (int)response.StatusCode, null);
            }
            catch (Exception ex) when (ex is JsonException or System.IO.IOException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw Unknown(submission, $"its answer could not be read: {ex.Message}", (int)response.StatusCode, ex);
            }
        }
    }

    /// <summary>The job id of a submission's answer: <c>results</c> (a string, or an object with <c>job_id</c>), or <c>job_id</c>.</summary>
    internal static string? JobIdOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("results", out var results))
        {
            if (results.ValueKind == JsonValueKind.String && results.GetString() is { Length: > 0 } id)
            {
                return id;
            }

            if (results.ValueKind == JsonValueKind.Object && results.TryGetProperty("job_id", out var inner)
                && inner.ValueKind == JsonValueKind.String && inner.GetString() is { Length: > 0 } innerId)
            {
                return innerId;
            }
        }

        return root.TryGetProperty("job_id", out var jobId) && jobId.ValueKind == JsonValueKind.String && jobId.GetString() is { Length: > 0 } old
            ? old
            : null;
    }

    /// <summary>
    /// A refusal's message: what the server said, that no job was created, and (last, as every API error
    /// ends) what to quote to support.
    /// </summary>
    private static string NoJobCreated(string message, ApiErrorReference? reference)
    {
        const string Advice = " No job was created: fix the request and submit it again.";
        if (reference is null || !message.EndsWith(reference.Sentence, StringComparison.Ordinal))
        {
            return message + Advice;
        }

        return message[..^reference.Sentence.Length].TrimEnd() + Advice + " " + reference.Sentence;
    }

    private SutroApiException Unknown(BatchSubmission submission, string why, int? status, Exception? inner) =>
        new(ErrorIds.SubmissionOutcomeUnknown, ErrorCategory.ConnectionError, Client.Redact(
            $"The submission of job '{submission.Name}' may or may not have created the job: {why.TrimEnd('.')}. " +
            "It was not sent again, since a second submission could create a second job and double the cost. " +
            $"Look for the job before submitting again: Get-SutroJob -Name '{WildcardPattern.Escape(submission.Name).Replace("'", "''")}'"),
            status, inner)
        {
            Reference = (inner as SutroApiException)?.Reference,
        };
}
