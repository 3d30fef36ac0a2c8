using BenchmarkDotNet.Running;
using Lakehouse.Benchmarks.Api;

// dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- --filter '*'   (add --job short while developing)
// dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- load --requests 400 --concurrency 8   (the Api load run)
if (args.Length > 0 && args[0] == "load")
{
    return await ApiLoadBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args is ["basket-profiles", ..])
{
    // The profiles of the generated basket corpus (for the Medallion README): basket-profiles [count]
    int count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    Lakehouse.Medallion.BasketClusteringResult result = Lakehouse.Medallion.BasketClustering.Run(Lakehouse.Benchmarks.Medallion.BasketCorpus.Generate(count));
    Console.WriteLine(string.Join(", ", result.Models[0].Silhouettes.Select(s => FormattableString.Invariant($"k={s.Key}: {s.Value:0.000}"))));
    Console.Write(Lakehouse.Medallion.BasketClustering.FormatProfiles(result.Profiles));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ApiLoadBenchmark).Assembly).Run(args);
return 0;
