using System.Net;
using Exchange.V1;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.EndToEndTests;

/// <summary>
/// The server as it runs outside Development: TLS on the production endpoint, a configured issuer,
/// no demo parties. Made with a null issuer, it leaves the issuer out.
/// </summary>
public class ProductionServer : TlsServer
{
    // Its referral key store is a SQLite file of its own (KeyStoreConnectionString).
    protected override bool OnPostgres => false;

    public const string DefaultIssuer = "https://exchange.vasternorrland.example/";

    private readonly string? issuer;

    public ProductionServer()
        : this(DefaultIssuer)
    {
    }

    protected ProductionServer(string? issuer) => this.issuer = issuer;

    /// <summary>The private key of the configured second operator; only "Anna" holds it.</summary>
    public System.Security.Cryptography.RSA SecondOperatorKey { get; } = System.Security.Cryptography.RSA.Create(2048);

    protected override string EnvironmentName => "Production";

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>();
            foreach (var (key, value) in base.Settings)
            {
                // appsettings.Production.json names its endpoint "Https".
                settings[key.Replace("Endpoints:Grpc:", "Endpoints:Https:", StringComparison.Ordinal)] = value;
            }
            settings["Kestrel:Certificates:Default:Path"] = CertificatePath;
            settings["Kestrel:Certificates:Default:Password"] = "test";
            settings["Exchange:Tokens:SigningKeyPath"] = "";
            settings["Exchange:Tokens:Issuer"] = issuer;
            // A second operator, as a county configures one: its person's public key.
            var keys = Path.Combine(Root, "keys");
            Directory.CreateDirectory(keys);
            File.WriteAllText(Path.Combine(keys, "operator-anna.pub.pem"), SecondOperatorKey.ExportSubjectPublicKeyInfoPem());
            settings["Exchange:Operators:0:Id"] = "operator-anna";
            settings["Exchange:Operators:0:Name"] = "Anna at the county IT department";
            settings["Exchange:Operators:0:PublicKeyFile"] = Path.Combine(keys, "operator-anna.pub.pem");
            settings["Exchange:Operators:0:KeyId"] = "anna-2026";
            // Outside Development the referral keys come from configuration, and their store lies apart from the data.
            settings["Exchange:Referrals:KeyEncryptionKeys:2026-11"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            settings["Exchange:Referrals:ActiveKeyEncryptionKey"] = "2026-11";
            settings["Exchange:Referrals:KeyStoreConnectionString"] = $"Data Source={Path.Combine(keys, "referral-keys.db")};Pooling=False";
            return settings;
        }
    }
}

public sealed class IssuerlessProductionServer() : ProductionServer(issuer: null);

/// <summary>The production server with its one endpoint made cleartext, as a mistyped URL would.</summary>
public sealed class CleartextProductionServer() : ProductionServer(DefaultIssuer)
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Kestrel:Endpoints:Https:Url"] = "http://127.0.0.1:0";
            settings["Kestrel:Endpoints:Https:Protocols"] = "Http2";
            return settings;
        }
    }
}

/// <summary>The production server with people enabled but no key for their references.</summary>
public sealed class KeylessPeopleProductionServer() : ProductionServer(DefaultIssuer)
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Exchange:People:Issuer"] = "https://idp.example.se/";
            return settings;
        }
    }
}

public class ProductionTests(ProductionServer server) : IClassFixture<ProductionServer>
{
    [Fact]
    public Task Server_outside_development_with_people_but_no_reference_key_refuses_to_start() =>
        RefusesToStartAsync(new KeylessPeopleProductionServer(), "Exchange:People:ReferenceKey");

    [Fact]
    public Task Server_outside_development_without_a_tls_endpoint_refuses_to_start() =>
        RefusesToStartAsync(new CleartextProductionServer(), "needs a TLS endpoint");

    [Fact]
    public Task Server_outside_development_without_an_issuer_refuses_to_start() =>
        RefusesToStartAsync(new IssuerlessProductionServer(), "Exchange:Tokens:Issuer");

    private static async Task RefusesToStartAsync(ProductionServer misconfigured, string namedInTheError)
    {
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(misconfigured.InitializeAsync);
            Assert.Contains(namedInTheError, Errors.AllMessages(error), StringComparison.Ordinal);
        }
        finally
        {
            await misconfigured.DisposeAsync();
        }
    }

    [Fact]
    public void Operator_credential_names_the_configured_issuer_not_the_address_the_server_listens_on()
    {
        // The server listens on 127.0.0.1 with a port of its own; operators elsewhere know it by its public address.
        var credential = Exchange.Contracts.CredentialFile.Load(server.OperatorCredentialPath);
        Assert.Equal(ProductionServer.DefaultIssuer, credential.Server);
        Assert.DoesNotContain(server.Logs, line => line.Contains("No Exchange:Tokens:Issuer is configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_names_the_configured_issuer_whatever_the_host_header_says()
    {
        var credential = Exchange.Contracts.CredentialFile.Load(server.OperatorCredentialPath);
        using var raw = new RawHttp2(server.Address, server.TrustingHandler);

        var response = await raw.TokenAsync([
            new("grant_type", "client_credentials"), new("client_id", credential.ClientId), new("client_secret", credential.ClientSecret!),
        ], host: "attacker.example");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(ProductionServer.DefaultIssuer, new JsonWebToken(response.AccessToken).Issuer);
    }

    [Fact]
    public async Task Assertion_addressed_to_the_request_host_instead_of_the_issuer_is_refused()
    {
        using var admin = server.Operator();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var id = $"p-{Guid.NewGuid():N}"[..16];
        await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = id, Name = "Test region", Kind = AuthorityKind.Region, OrganisationNumber = ExchangeServer.NewOrganisationNumber() },
        });
        await admin.Admin.CreateGrantAsync(new CreateGrantRequest { AuthorityId = id, Scope = "statistics.read", Reason = "test" });
        var p = rsa.ExportParameters(false);
        await admin.Admin.AddKeyCredentialAsync(new AddKeyCredentialRequest
        {
            AuthorityId = id,
            PublicJwk = System.Text.Json.JsonSerializer.Serialize(new { kty = "RSA", kid = "k1", n = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus), e = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Exponent) }),
        });
        var credential = new Exchange.Contracts.CredentialFile { ClientId = id, PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem(), KeyId = "k1" };
        using var raw = new RawHttp2(server.Address, server.TrustingHandler);

        var toIssuer = await raw.AssertionAsync(id, ClientAssertions.Create(credential, new Uri(ProductionServer.DefaultIssuer)));
        var toHost = await raw.AssertionAsync(id, ClientAssertions.Create(credential, new Uri(server.Address, "/")));

        Assert.Equal(HttpStatusCode.OK, toIssuer.Status);
        Assert.Equal("invalid_client", toHost.Error);
    }

    [Fact]
    public async Task Configured_operator_approves_what_the_bootstrap_operator_proposes()
    {
        using var first = server.Operator();
        using var anna = server.Connect(o =>
        {
            o.ClientId = "operator-anna";
            o.PrivateKeyPem = server.SecondOperatorKey.ExportPkcs8PrivateKeyPem();
            o.KeyId = "anna-2026";
            o.Issuer = new Uri(ProductionServer.DefaultIssuer);
        });
        var id = $"p-{Guid.NewGuid():N}"[..16];
        await first.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
        {
            Authority = new Authority { Id = id, Name = "Test shelter", Kind = AuthorityKind.Shelter, OrganisationNumber = ExchangeServer.NewOrganisationNumber(shelter: true) },
        });
        await first.Admin.AddSecretCredentialAsync(new AddSecretCredentialRequest { AuthorityId = id });
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var change = (await first.Admin.ProposeCredentialChangeAsync(new ProposeCredentialChangeRequest { AuthorityId = id, PublicJwk = TestKeys.Jwk(rsa, "k2"), Reason = "lost secret" })).Change;
        var approved = await anna.Admin.ApproveCredentialChangeAsync(new ApproveCredentialChangeRequest { ChangeId = change.Id, Reason = "verified" });

        Assert.Equal(CredentialOrigin.BreakGlass, approved.Credential.Origin);
        var annaKey = (await anna.Account.ListOwnCredentialsAsync(new ListOwnCredentialsRequest())).Credentials.Single();
        Assert.Equal(("system:configuration", CredentialOrigin.System), (annaKey.CreatedBy, annaKey.Origin));
    }

    [Fact]
    public async Task Reflection_is_off_outside_development()
    {
        // Even with a valid token the method does not exist; without one, nothing is said at all.
        using var admin = server.Operator();
        var token = (await admin.Tokens.GetTokenAsync()).Value;
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address, new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = server.TrustingHandler() });
        var reflection = new ServerReflection.ServerReflectionClient(channel);

        async Task<StatusCode> ListServices(Metadata headers)
        {
            using var call = reflection.ServerReflectionInfo(headers);
            // The server may answer before the request is written; the call's status is what it said.
            try
            {
                await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
                await call.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
            }
            var services = new List<ServerReflectionResponse>();
            try
            {
                while (await call.ResponseStream.MoveNext(default))
                {
                    services.Add(call.ResponseStream.Current);
                }
            }
            catch (RpcException)
            {
            }
            Assert.Empty(services);
            return call.GetStatus().StatusCode;
        }

        Assert.Equal(StatusCode.Unimplemented, await ListServices(new Metadata { { "Authorization", $"Bearer {token}" } }));
        Assert.Equal(StatusCode.Unauthenticated, await ListServices([]));
    }
}

/// <summary>Operators from configuration: an id someone registered first is not silently taken over or skipped.</summary>
public class ConfiguredOperatorTests
{
    [Fact]
    public async Task Configured_operator_whose_id_an_authority_took_first_stops_the_start()
    {
        var root = Path.Combine(Path.GetTempPath(), $"exchange-e2e-{Guid.NewGuid():N}");
        try
        {
            await using (var first = new ServerOnDirectory(root))
            {
                await first.InitializeAsync();
                using var admin = first.Operator();
                await admin.Admin.CreateAuthorityAsync(new CreateAuthorityRequest
                {
                    Authority = new Authority { Id = "operator-bert", Name = "Squatter", Kind = AuthorityKind.Police, OrganisationNumber = ExchangeServer.NewOrganisationNumber() },
                });
            }

            await using var second = new OperatorConfiguredServer(root, "operator-bert");
            var error = await Assert.ThrowsAnyAsync<Exception>(second.InitializeAsync);
            Assert.Contains("operator-bert", Errors.AllMessages(error), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed class OperatorConfiguredServer(string root, string operatorId) : ExchangeServer(root)
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                using var rsa = System.Security.Cryptography.RSA.Create(2048);
                var key = Path.Combine(Root, $"{operatorId}.pub.pem");
                File.WriteAllText(key, rsa.ExportSubjectPublicKeyInfoPem());
                return new Dictionary<string, string?>(base.Settings)
                {
                    ["Exchange:Operators:0:Id"] = operatorId,
                    ["Exchange:Operators:0:PublicKeyFile"] = key,
                    ["Exchange:Operators:0:KeyId"] = $"{operatorId}-1",
                };
            }
        }
    }
}
