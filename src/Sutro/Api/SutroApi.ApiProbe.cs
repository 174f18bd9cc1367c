using System;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;

namespace Sutro.Api;

internal sealed partial class SutroApi
{
    /// <summary>The endpoints every Sutro deployment serves, asked once when a route that must exist answers 404.</summary>
    private static readonly string[] ProbePaths = { "auth/check", "try-authentication" };

    private bool? _answersAsSutro;

    /// <summary>
    /// A 404 for a job (or for list-jobs) is JobNotFound only if the URL is a Sutro API at all. A server that answers
    /// 404 to everything (a wrong host, a web server or a proxy in front of something else) is told apart by asking <c>auth/check</c> and
    /// <c>try-authentication</c> once: when both are 404 too, the error is ApiNotFound, which says to check the URL.
    /// </summary>
    private async Task<SutroApiException> ExplainNotFoundAsync(string relative, SutroApiException notFound,
        CancellationToken cancellationToken)
    {
        _answersAsSutro ??= await AnswersAsSutroAsync(cancellationToken).ConfigureAwait(false);
        if (_answersAsSutro.Value)
        {
            return notFound;
        }

        string baseUrl = Client.UriFor(string.Empty).ToString();
        return new SutroApiException(ErrorIds.ApiNotFound, ErrorCategory.ObjectNotFound,
            Client.Redact($"This URL does not look like a Sutro API: {baseUrl} answered 404 Not Found to " +
                $"{relative.Split('?')[0]}, and to {string.Join(" and ", ProbePaths)}, which every Sutro deployment " +
                "serves. Check the API URL given by -ApiUrl, Connect-Sutro or SUTRO_API_URL: it is your deployment's address."),
            notFound.StatusCode, notFound);
    }

    /// <summary>True unless every probe path answers 404; a probe that cannot be sent at all tells nothing (true).</summary>
    private async Task<bool> AnswersAsSutroAsync(CancellationToken cancellationToken)
    {
        foreach (string path in ProbePaths)
        {
            try
            {
                using var response = await Client.SendOnceAsync(HttpMethod.Get, Client.UriFor(path), null, null,
                    cancellationToken, accept: _ => true).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return true;
                }
            }
            catch (SutroApiException)
            {
                return true;
            }
        }

        Verbose($"{string.Join(" and ", ProbePaths)} answered 404 too: the API URL is not a Sutro API.");
        return false;
    }

    /// <summary>True for the 404 of a route every deployment serves (jobs/{id}, job-status/{id}, list-jobs, job-cancel/{id}).</summary>
    private static bool IsNotFound(SutroApiException ex) =>
        ex.StatusCode == 404 && ex.ErrorId is ErrorIds.JobNotFound or ErrorIds.NotFound;
}
