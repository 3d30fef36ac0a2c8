using System.CommandLine;
using Lakehouse.Cli;

var root = new RootCommand("lakehouse: the operator's tool for the Lakehouse retail analytics SDK.");
root.Subcommands.Add(Lakehouse.Cli.Demo.DemoCommand.Create());
root.Subcommands.Add(DbCommands.Create());
root.Subcommands.Add(AuditCommand.Create());
foreach (Command command in MedallionCommands.Create())
{
    root.Subcommands.Add(command);
}
root.Subcommands.Add(ClustersCommand.Create());
root.Subcommands.Add(WebhookCommands.Create());
root.Subcommands.Add(TokenCommands.Create());
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(IngestCommand.Create());
root.Subcommands.Add(MapCommand.Create());
root.Subcommands.Add(PsgcCommands.Create());
foreach (Command command in DatasetCommands.Create()) { root.Subcommands.Add(command); }

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
