using Exchange.Contracts;
using System.Security.Claims;
using System.Text.Json;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Server.People;

/// <summary>What the token endpoint answers a web app's token exchange: a person's token, or a refusal.</summary>
public sealed record PersonTokenDecision(ClaimsPrincipal? Principal, string? Error, string? Description, IReadOnlyDictionary<string, object?> Parameters)
{
    public static PersonTokenDecision Refused(string error, string description, IReadOnlyDictionary<string, object?>? parameters = null) =>
        new(null, error, description, parameters ?? new Dictionary<string, object?>());
}

/// <summary>
/// The token exchange for people (RFC 8693): a web app presents a person's ID token, validated by
/// <see cref="PersonSubjectTokenHandler"/>, and its own credential; the exchange looks up the
/// person's membership and issues a short-lived token whose subject is the authority and whose actor
/// (<c>act</c>) is the person's membership, carrying only the scopes the person's roles give within the
/// authority's own grants. The web app cannot act for anyone who did not log in, nor beyond their roles.
/// </summary>
public sealed partial class PersonTokens(ExchangeDbContext db, AuditLog audit, TimeProvider time, IOptions<PeopleOptions> options, ILogger<PersonTokens> logger)
{
    public const string ActorClaim = "act";

    public async Task<PersonTokenDecision> DecideAsync(HttpContext context, AuthorityEntity webApp, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        if (webApp.Kind != PartyKind.WebApp)
        {
            Refused(logger, webApp.Id, "the client is not a web app party");
            return PersonTokenDecision.Refused(Errors.UnauthorizedClient, "Only a web app party may exchange a person's ID token.");
        }
        if (PersonSubjectTokenHandler.Validated(context) is not { } person)
        {
            return PersonTokenDecision.Refused(Errors.InvalidGrant, "The subject token was not validated.");
        }
        var memberships = await (from m in db.Members.AsNoTracking()
                                 join a in db.Authorities.AsNoTracking() on m.AuthorityId equals a.Id
                                 where m.PersonReference == person.Reference && a.Enabled
                                 orderby m.AuthorityId
                                 select new { Member = m, Authority = a }).ToListAsync(cancellationToken);
        if (memberships.Count == 0)
        {
            Refused(logger, webApp.Id, "no membership");
            return PersonTokenDecision.Refused(Errors.InvalidGrant, "The person has no membership in the exchange.",
                new Dictionary<string, object?> { [PersonTokenExchangeParameters.PersonReference] = PersonReference.Format(person.Reference) });
        }
        var named = (string?)request.GetParameter(PersonTokenExchangeParameters.Authority);
        var chosen = string.IsNullOrEmpty(named) ? memberships[0] : memberships.FirstOrDefault(m => m.Authority.Id == named);
        if (chosen is null)
        {
            Refused(logger, webApp.Id, "no membership of the named authority");
            return PersonTokenDecision.Refused(Errors.InvalidGrant, "The person is not a member of that authority.");
        }
        var (member, authority) = (chosen.Member, chosen.Authority);
        var usable = MemberRoles.UsableScopes(member.Roles, await CallerAdmission.UsableScopesAsync(db, authority, time.GetUtcNow(), cancellationToken));
        var requested = request.GetScopes();
        var scopes = requested.IsEmpty ? [.. usable] : requested.ToArray();
        var missing = scopes.Where(s => !usable.Contains(s)).ToArray();
        if (missing.Length > 0 || scopes.Length == 0)
        {
            Refused(logger, webApp.Id, "scope not allowed");
            return PersonTokenDecision.Refused(Errors.InvalidScope, scopes.Length == 0
                ? "The person's roles give no scope the authority holds a valid grant for."
                : $"The person's roles and the authority's grants do not allow: {string.Join(' ', missing)}.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, authority.Id);
        identity.SetClaim(Claims.Name, authority.Name);
        identity.SetClaim(TokenClaims.TokenVersion, authority.TokenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        identity.SetClaim(TokenClaims.Member, member.Id);
        identity.SetClaim(TokenClaims.MemberVersion, member.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // RFC 8693 §4.1: the token is the authority's, acted on by the person (their membership), through the web app.
        identity.AddClaim(new Claim(ActorClaim, JsonSerializer.Serialize(new Dictionary<string, string> { ["sub"] = member.Id, ["client_id"] = webApp.Id }), JsonClaimValueTypes.Json));
        identity.SetScopes(scopes);
        identity.SetAccessTokenLifetime(options.Value.TokenLifetime);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);

        // Who acted for the authority, and when, is the authority's to read: each token issued to a person is audited.
        await audit.SaveWithAuditAsync(db, new AuditRecord(authority.Id, "member.token-issued", "member", member.Id)
        {
            SubjectAuthorityId = authority.Id,
            ActorMemberId = member.Id,
        }, cancellationToken);
        Issued(logger, authority.Id, member.Id, webApp.Id, string.Join(' ', scopes));
        return new PersonTokenDecision(new ClaimsPrincipal(identity), null, null, new Dictionary<string, object?>
        {
            // OpenIddict leaves scope out of a token exchange's response; the web app needs to know what its person may do.
            [Parameters.Scope] = string.Join(' ', scopes),
            ["exchange_authority_id"] = authority.Id,
            ["exchange_authority_name"] = authority.Name,
            ["exchange_member_id"] = member.Id,
            ["exchange_member_name"] = member.DisplayName,
            ["exchange_roles"] = string.Join(' ', member.Roles.Select(MemberRoles.Name)),
            ["exchange_other_authorities"] = string.Join(' ', memberships.Where(m => m != chosen).Select(m => m.Authority.Id)),
        });
    }

    [LoggerMessage(90, LogLevel.Information, "Person token issued for {AuthorityId} to member {MemberId} through {WebAppId} for {Scopes}")]
    private static partial void Issued(ILogger logger, string authorityId, string memberId, string webAppId, string scopes);

    [LoggerMessage(91, LogLevel.Warning, "Person token refused to {WebAppId}: {Reason}")]
    private static partial void Refused(ILogger logger, string webAppId, string reason);
}

/// <summary>The token exchange's own parameters (the client library names them alike).</summary>
public static class PersonTokenExchangeParameters
{
    public const string Authority = "exchange_authority";
    public const string PersonReference = "exchange_person_reference";
}
