using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sutro.MockServer;

/// <summary>
/// Fake Sutro batch API for tests. Prints <c>SUTRO_MOCK_URL=...</c> and <c>SUTRO_MOCK_STORAGE_URL=...</c> on
/// stdout once listening (nothing else goes to stdout), and exits when stdin reaches end-of-file or on SIGTERM/Ctrl+C.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ServerOptions? options = ServerOptions.Parse(args, Console.Error);
        if (options is null) return 2;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));

        ListenOptions? apiListen = null, storageListen = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 512L * 1024 * 1024;
            k.Limits.MinResponseDataRate = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Listen(IPAddress.Loopback, options.Port, l => apiListen = l);
            k.Listen(IPAddress.Loopback, 0, l => storageListen = l);
        });

        var origins = new Origins();
        var catalog = new JobCatalog(BuiltInJobs.Create(options.FixturesDir, Console.Error));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(origins);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new ResultStore(options.FixturesDir));
        builder.Services.AddSingleton<ArtifactTokens>();
        builder.Services.AddSingleton<FaultStore>();
        builder.Services.AddSingleton<MissingRoutes>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton<SubmissionScript>();

        WebApplication app = builder.Build();
        app.Use(RequestLog.MiddlewareAsync);
        app.Use(FaultMiddleware.InvokeAsync);
        app.Use(AuthMiddleware.InvokeAsync);

        ControlEndpoints.Map(app);
        SubmissionEndpoints.MapControl(app);
        StorageEndpoints.Map(app);
        // A deployment serves its API beneath /v1 only; the control API and the storage links stay at the root.
        IEndpointRouteBuilder api = app.MapGroup("/v1");
        ResultsEndpoints.Map(api);
        JobEndpoints.Map(api);
        SubmissionEndpoints.Map(api);
        app.MapFallback((RequestDelegate)(ctx => HttpOut.Detail(ctx, 404, "Not Found")));

        await app.StartAsync();
        origins.ApiPort = ((IPEndPoint)apiListen!.EndPoint).Port;
        origins.StoragePort = ((IPEndPoint)storageListen!.EndPoint).Port;
        Console.Out.WriteLine($"SUTRO_MOCK_URL={origins.ApiUrl}");
        Console.Out.WriteLine($"SUTRO_MOCK_STORAGE_URL={origins.StorageUrl}");
        Console.Out.Flush();
        Console.Error.WriteLine($"sutro-mock: fixtures {options.FixturesDir ?? "(none)"}");

        if (!options.IgnoreStdin) StdinWatcher.Start(app.Lifetime);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
