using BenchmarkDotNet.Running;
using Lakehouse.Benchmarks.Api;

// dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- --filter '*'   (add --job short while developing)
// dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- load --requests 400 --concurrency 8   (the Api load run)
if (args.Length > 0 && args[0] == "load")
{
    return await ApiLoadBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(ApiLoadBenchmark).Assembly).Run(args);
return 0;
