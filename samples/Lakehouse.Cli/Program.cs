using System.CommandLine;
using Lakehouse.Cli;

var root = new RootCommand("lakehouse: the operator's tool for the Lakehouse retail analytics SDK.");
root.Subcommands.Add(DbCommands.Create());
root.Subcommands.Add(PsgcCommands.Create());

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
