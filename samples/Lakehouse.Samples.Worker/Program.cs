using Lakehouse.Samples.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// Configuration: appsettings.json, environment variables (Lakehouse__ConnectionString, Lakehouse__Worker__Medallion__Debounce…)
// and the command line (--Lakehouse:Migrate=true). See README.md for every setting.
try
{
    using IHost host = WorkerApp.Build(args);
    _ = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value; // bad settings: one message, before anything starts
    await host.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (WorkerStartupException e)
{
    await Console.Error.WriteLineAsync($"lakehouse-worker: {e.Message}").ConfigureAwait(false);
    return 2;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("lakehouse-worker: invalid configuration:").ConfigureAwait(false);
    foreach (string failure in e.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
    }

    return 2;
}
