using System.Diagnostics;
using Exchange.Client;
using Exchange.V1;
using static Exchange.EndToEndTests.StatisticsTestData;

namespace Exchange.EndToEndTests;

/// <summary>Two server processes on one PostgreSQL database append to one audit chain, with many writers at once.</summary>
public class PostgresAuditChainTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Two_server_processes_writing_at_once_leave_one_unbroken_chain()
    {
        var indicator = await server.NewIndicatorAsync(AuthorityKind.Municipality);
        using var admin = server.Operator();
        var reporters = new List<(string Id, string Secret)>();
        for (var i = 0; i < 4; i++)
        {
            var id = $"t-{Guid.NewGuid():N}"[..20];
            await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
            {
                Authority = new Authority { Id = id, Name = "Test municipality", Kind = AuthorityKind.Municipality, OrganisationNumber = ExchangeServer.NewOrganisationNumber(), AreaCodes = { "2281" } },
            });
            await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.report", Reason = "end-to-end test" });
            reporters.Add((id, (await admin.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = id })).ClientSecret));
        }

        var data = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet", [ServerProcess.Assembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Exchange__Storage__Provider"] = "Postgres",
                ["Exchange__Storage__ConnectionString"] = server.ConnectionString,
                ["Exchange__Storage__DataDirectory"] = data,
                ["Exchange__Demo__Seed"] = "false",
                ["Exchange__Demo__Statistics"] = "false",
                ["Kestrel__Endpoints__Grpc__Url"] = "http://127.0.0.1:0",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            },
        };
        using var other = Process.Start(start)!;
        try
        {
            var otherAddress = await ServerProcess.ListeningAddressAsync(other, TimeSpan.FromSeconds(60));
            var clients = reporters.SelectMany(r => new[]
            {
                server.Connect(o => { o.ClientId = r.Id; o.ClientSecret = r.Secret; }),
                ExchangeClient.Create(o => { o.Address = otherAddress; o.ClientId = r.Id; o.ClientSecret = r.Secret; }),
            }).ToList();
            // The operator through each server, too: an authority update is attempted once, never
            // retried, so two appends that claimed the same place in the chain would fail it.
            var operators = new[] { server.Operator(), server.Connect(o => { o.UseCredentialFile(server.OperatorCredentialPath); o.Address = otherAddress; }) };
            const int SubmissionsEach = 6;
            const int UpdatesEach = 25;
            // Every client submits at once, to both servers: each submission is one audit event.
            await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                for (var n = 0; n < SubmissionsEach; n++)
                {
                    await client.SubmitAsync(indicator.Cell(Quarter(2025, 1 + (n % 4)), "2281", 10 + c + n, "female", "young"));
                }
            })).Concat(reporters.Select((reporter, r) => Task.Run(async () =>
            {
                var op = operators[r % 2];
                for (var n = 0; n < UpdatesEach; n++)
                {
                    var authority = (await op.Admin.GetAuthorityAsync(new GetAuthorityRequest { AuthorityId = reporter.Id })).Authority;
                    authority.Name = $"Test municipality {r}.{n}";
                    await op.Admin.UpdateAuthorityAsync(new UpdateAuthorityRequest { Authority = authority });
                }
            }))));
            foreach (var client in clients.Concat(operators))
            {
                client.Dispose();
            }

            var verified = await admin.Admin.VerifyAuditLogAsync(new VerifyAuditLogRequest());
            Assert.True(verified.Intact, verified.ChainProblem + verified.CheckpointProblem);
            var submitted = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "statistics.submitted", PageSize = 1000 });
            Assert.Equal(clients.Count * SubmissionsEach, submitted.Events.Count(e => reporters.Any(r => r.Id == e.ActorAuthorityId)));
            var updated = await admin.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Action = "authority.updated", PageSize = 1000 });
            Assert.Equal(reporters.Count * UpdatesEach, updated.Events.Count(e => reporters.Any(r => r.Id == e.TargetId)));
        }
        finally
        {
            other.Kill(entireProcessTree: true);
            await other.WaitForExitAsync();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
