using Exchange.Admin;

return await AdminApp.RunAsync(args, Console.Out, Console.Error);
