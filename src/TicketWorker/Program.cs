using TicketWorker.Cli;

return await CliApp.RunAsync(args);
