using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Lakehouse.Benchmarks -- --filter '*'   (add --job short while developing)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
