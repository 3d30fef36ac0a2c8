using System.CommandLine;

namespace Lakehouse.Cli.Tests;

/// <summary>Runs the tool's verbs in process with captured output, as the real parser would.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Command verb, params string[] args)
    {
        var root = new RootCommand("test") { verb };
        var output = new StringWriter();
        var error = new StringWriter();
        ParseResult parse = root.Parse(args);
        int exit = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
