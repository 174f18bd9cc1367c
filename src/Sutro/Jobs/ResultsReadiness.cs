using System;
using Sutro.Http;

namespace Sutro.Jobs;

/// <summary>
/// Right after a job reports SUCCEEDED its results can still be missing for a short while; the
/// results call is retried for up to <see cref="Window"/> (as the Python SDK does).
/// </summary>
internal static class ResultsReadiness
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(100);

    /// <summary>How long "not ready" answers are retried after SUCCEEDED (tests shorten it).</summary>
    internal static TimeSpan Window { get; set; } = DefaultWindow;

    /// <summary>409 or 400 (not complete) or 404 (not there yet) for a job known to have succeeded.</summary>
    public static bool IsNotReady(SutroApiException exception) =>
        exception.ErrorId is "JobNotComplete" or "JobNotFound";
}
