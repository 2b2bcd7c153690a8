using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bunit;
using Exchange.Client;
using Exchange.V1;
using Exchange.Web.Console;
using Exchange.Web.People;
using Exchange.Web.Referrals;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MiniExcelLibs;
using MudBlazor.Services;

namespace Exchange.Web.Tests;

public sealed class ConsoleTests : BunitContext
{
    public ConsoleTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void The_secret_panel_shows_the_secret_once_and_not_after_closing()
    {
        var closed = 0;
        var panel = Render<SecretPanel>(p => p
            .Add(c => c.Secret, "s3cr3t-only-once")
            .Add(c => c.AuthorityId, "ny-kommun")
            .Add(c => c.OnClose, () => closed++));

        Assert.Equal("s3cr3t-only-once", panel.Find("[data-testid=client-secret]").GetAttribute("value"));
        Assert.Contains("visas bara nu", panel.Find("[data-testid=secret-panel]").TextContent);

        panel.Find("[data-testid=close-secret]").Click();

        Assert.Equal(1, closed);
        Assert.Empty(panel.FindAll("[data-testid=secret-panel]"));
        Assert.DoesNotContain("s3cr3t-only-once", panel.Markup, StringComparison.Ordinal);
        // The page renders again with the same value (it has not cleared it yet): the panel stays closed.
        panel.Render(p => p.Add(c => c.Secret, "s3cr3t-only-once"));
        Assert.DoesNotContain("s3cr3t-only-once", panel.Markup, StringComparison.Ordinal);
        // A new secret (another AddSecretCredential) opens it again.
        panel.Render(p => p.Add(c => c.Secret, "another-secret"));
        Assert.Equal("another-secret", panel.Find("[data-testid=client-secret]").GetAttribute("value"));
    }

    [Fact]
    public void A_destructive_action_needs_a_reason_before_it_is_confirmed()
    {
        var confirmed = new List<string>();
        var form = Render<ReasonConfirm>(p => p
            .Add(c => c.Question, "Återkalla referrals.send?")
            .Add(c => c.ConfirmText, "Återkalla")
            .Add(c => c.OnConfirm, (string reason) => confirmed.Add(reason)));

        form.Find("form").Submit();
        Assert.Empty(confirmed);
        Assert.Contains("Ange ett skäl", form.Markup, StringComparison.Ordinal);

        form.Find("[data-testid=reason]").Change("  Avtal 2026-17 upphört  ");
        form.Find("form").Submit();
        Assert.Equal(["Avtal 2026-17 upphört"], confirmed);
    }

    [Theory]
    [InlineData(typeof(ConsoleHome))]
    [InlineData(typeof(Authorities))]
    [InlineData(typeof(AuthorityPage))]
    [InlineData(typeof(Indicators))]
    [InlineData(typeof(AuditSearch))]
    public async Task A_case_worker_is_told_the_console_is_not_for_their_role(System.Type page)
    {
        using var session = new PersonSession(new CaseWorkerTokens(), new LoggedIn(), Options.Create(new ExchangeConnectionOptions()), TimeProvider.System, NullLoggerFactory.Instance);
        await session.StartAsync(CancellationToken.None);
        Services.AddSingleton(session);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<Exchange.Web.Hosting.FileDownloads>();

        var rendered = Render(builder =>
        {
            builder.OpenComponent(0, page);
            builder.CloseComponent();
        });

        Assert.Contains("bara för operatörer", rendered.Find("[data-testid=not-operator]").TextContent, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("form"));
    }

    private sealed class LoggedIn : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(PeopleClaims.IdToken, "id-token")], "test"))));
    }

    private sealed class CaseWorkerTokens : IPersonTokens
    {
        public Task<PersonToken> ExchangeAsync(string idToken, string? authorityId, CancellationToken cancellationToken) =>
            Task.FromResult(new PersonToken(new AccessToken("token", DateTimeOffset.UtcNow.AddMinutes(5), ["referrals.send", "referrals.receive"]),
                "sundsvall-kommun", "Sundsvalls kommun", "m-1", "Sara Ek", ["case-worker"], []));
    }

    private static AuditEvent Event(long sequence, string reason) => new()
    {
        Sequence = sequence,
        Time = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero)),
        ActorAuthorityId = "exchange-operator",
        ActorMemberId = "m-0123456789abcdef",
        Action = "grant.revoked",
        TargetType = "grant",
        TargetId = "7d0c1d8e-0000-4000-8000-000000000001",
        SubjectAuthorityId = "sundsvall-kommun",
        Count = 1,
        Outcome = AuditOutcome.Succeeded,
        Reason = reason,
        PreviousHash = new string('0', 64),
        Hash = new string('a', 64),
    };

    [Fact]
    public void The_audit_csv_has_a_byte_order_mark_semicolons_every_field_and_no_formula()
    {
        var bytes = AuditExport.Csv([Event(41, "Avtal; upphört"), Event(42, "=HYPERLINK(\"http://x\")")]);

        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(';', AuditExport.Columns), lines[0]);
        Assert.StartsWith("41;2026-06-01T12:00:00.000+02:00;exchange-operator;m-0123456789abcdef;grant.revoked;grant;", lines[1], StringComparison.Ordinal);
        // A separator inside a field is quoted, not a new column.
        Assert.Contains(";\"Avtal; upphört\";", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(new string('a', 64), lines[1], StringComparison.Ordinal);
        // An operator's reason that looks like a formula does not start with '=' in any cell.
        Assert.DoesNotContain(";=", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(";\"=", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void The_audit_excel_export_reads_back_with_the_same_columns_and_values()
    {
        var bytes = AuditExport.Excel([Event(41, "Avtal upphört"), Event(42, "Ny period")]);

        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(AuditExport.Columns, rows[0].Keys.ToList());
        Assert.Equal(41d, Convert.ToDouble(rows[0]["Sekvens"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("m-0123456789abcdef", rows[0]["Aktör (medlem)"]);
        Assert.Equal("Ny period", rows[1]["Skäl"]);
    }

    [Fact]
    public void A_pasted_key_is_taken_as_a_jwk_or_converted_from_public_pem_never_from_a_private_key()
    {
        using var rsa = RSA.Create(2048);
        var publicPem = rsa.ExportSubjectPublicKeyInfoPem();

        var fromPem = PublicKeyInput.ToJwk(publicPem, "ny-kommun-2026", out var error);
        Assert.Null(error);
        using (var jwk = JsonDocument.Parse(fromPem!))
        {
            Assert.Equal("RSA", jwk.RootElement.GetProperty("kty").GetString());
            Assert.Equal("ny-kommun-2026", jwk.RootElement.GetProperty("kid").GetString());
            Assert.False(jwk.RootElement.TryGetProperty("d", out _));
        }
        Assert.Equal(fromPem, PublicKeyInput.ToJwk("  " + fromPem + "\n", null, out _));

        Assert.Null(PublicKeyInput.ToJwk(publicPem, " ", out error));
        Assert.Contains("nyckel-id", error, StringComparison.Ordinal);
        Assert.Null(PublicKeyInput.ToJwk(rsa.ExportPkcs8PrivateKeyPem(), "kid", out error));
        Assert.Contains("privat nyckel", error, StringComparison.Ordinal);
        Assert.Null(PublicKeyInput.ToJwk("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "kid", out error));
        Assert.NotNull(error);
        Assert.Null(PublicKeyInput.ToJwk("", "kid", out error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Grant_and_audit_dates_are_whole_swedish_days_with_the_end_inclusive()
    {
        var grant = new GrantForm { Scope = "referrals.send", Reason = " Avtal 17 ", From = new DateTime(2026, 7, 1), Until = new DateTime(2026, 12, 31) }.ToRequest("sundsvall-kommun");

        Assert.Equal(new DateTimeOffset(2026, 6, 30, 22, 0, 0, TimeSpan.Zero), grant.ValidFrom.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero), grant.ValidTo.ToDateTimeOffset());
        Assert.Equal("Avtal 17", grant.Reason);
        Assert.Null(new GrantForm { Reason = "x" }.ToRequest("a").ValidTo);

        var search = new AuditFilter { ActorMemberId = " m-0123456789abcdef ", Until = new DateTime(2026, 3, 29), NewestFirst = false, PageSize = 25 }.ToRequest("token");
        Assert.Equal("m-0123456789abcdef", search.ActorMemberId);
        // The day summer time starts has 23 hours: its end is 22:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), search.EndTime.ToDateTimeOffset());
        Assert.Null(search.StartTime);
        Assert.Equal(("token", 25, false), (search.PageToken, search.PageSize, search.NewestFirst));
    }

    [Fact]
    public void An_indicator_form_names_a_dimension_by_its_code_when_no_name_is_given()
    {
        var form = new IndicatorForm { Code = "reported_threats", Name = "Anmälda hot", Goal = PlanGoal.CrimeFighting, Unit = "anmälningar" };
        form.ReporterKinds.Add(AuthorityKind.Police);
        form.Dimensions.Add(new IndicatorForm.DimensionRow { Code = "victim_sex", Values = "female, male,other" });
        form.Dimensions.Add(new IndicatorForm.DimensionRow { Code = "age_band", Name = "Åldersgrupp", Values = "0_17 18_64" });

        var indicator = form.ToIndicator();

        Assert.Equal("victim sex", indicator.Dimensions[0].Name);
        Assert.Equal(["female", "male", "other"], indicator.Dimensions[0].Values);
        Assert.Equal("Åldersgrupp", indicator.Dimensions[1].Name);
        Assert.Equal(["0_17", "18_64"], indicator.Dimensions[1].Values);
        Assert.Equal(form.Code, IndicatorForm.From(indicator).Code);
        Assert.Equal("female, male, other", IndicatorForm.From(indicator).Dimensions[0].Values);
    }

    [Fact]
    public void The_servers_violations_go_beside_their_fields_and_its_rules_are_named_in_swedish()
    {
        var invalid = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = "invalid",
            Details =
            {
                Any.Pack(new Google.Rpc.BadRequest
                {
                    FieldViolations =
                    {
                        new Google.Rpc.BadRequest.Types.FieldViolation { Field = "authority.organisation_number", Description = "10 digits with a valid check digit." },
                        new Google.Rpc.BadRequest.Types.FieldViolation { Field = "authority.area_codes", Description = "At least one." },
                    },
                }),
            },
        }.ToRpcException();

        var errors = ExchangeErrors.FieldErrors(invalid);
        Assert.Equal(["authority.organisation_number", "authority.area_codes"], errors.Keys.ToList());
        Assert.EndsWith("10 digits with a valid check digit.", errors["authority.organisation_number"], StringComparison.Ordinal);

        var kindPolicy = new Google.Rpc.Status
        {
            Code = (int)StatusCode.FailedPrecondition,
            Message = "County may never hold referrals.send.",
            Details = { Any.Pack(new Google.Rpc.PreconditionFailure { Violations = { new Google.Rpc.PreconditionFailure.Types.Violation { Type = "KIND_POLICY", Subject = "x" } } }) },
        }.ToRpcException();
        using var session = new PersonSession(new CaseWorkerTokens(), new LoggedIn(), Options.Create(new ExchangeConnectionOptions()), TimeProvider.System, NullLoggerFactory.Instance);
        var text = ExchangeErrors.DescribeForOperator(kindPolicy, session);
        Assert.StartsWith("Myndighetens typ får aldrig ha den behörigheten", text, StringComparison.Ordinal);
        Assert.EndsWith("County may never hold referrals.send.", text, StringComparison.Ordinal);
    }
}
