using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;
using Sutro.Jobs;

namespace Sutro.Api;

/// <summary>
/// The core of the Sutro API class: the transport it sends through, and the job calls other parts of the
/// class use. Each group of endpoints is a part of its own (SutroApi.Submission.cs: batch-inference).
/// </summary>
internal sealed partial class SutroApi
{
    private readonly JobsApi _jobs;

    public SutroApi(SutroApiClient client)
    {
        Client = client;
        _jobs = new JobsApi(client);
    }

    /// <summary>The transport: sending, retries, redirects, key scoping.</summary>
    public SutroApiClient Client { get; }

    /// <summary><c>GET jobs/{id}</c>.</summary>
    public Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken) => _jobs.GetJobAsync(jobId, cancellationToken);

    /// <summary><c>GET get-quotas</c>.</summary>
    public Task<List<Quota>> GetQuotasAsync(CancellationToken cancellationToken) => _jobs.GetQuotasAsync(cancellationToken);
}
