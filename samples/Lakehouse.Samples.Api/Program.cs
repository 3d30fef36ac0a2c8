using Lakehouse.Samples.Api;

// Configuration: Lakehouse:ConnectionString, Lakehouse:EdgeTokenSecret, Lakehouse:OdooWebhookSecret, Lakehouse:ServiceKey,
// Lakehouse:Landing:Root, Lakehouse:Api:* limits (see README.md; appsettings.json, environment variables such as
// Lakehouse__ConnectionString, or the command line).
await using WebApplication app = ApiApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
