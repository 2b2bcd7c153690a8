using System.Security.Claims;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Exchange.Server.People;

/// <summary>
/// The token exchange's subject token is a person's ID token from the county's identity provider, not
/// a token of this server: OpenIddict would look for its signing key among its own and refuse it. This
/// handler runs first and validates it against the identity provider instead (<see cref="IdTokenValidator"/>),
/// once per request, and hands OpenIddict a principal that names the person by reference and the
/// requesting web app as presenter and audience.
/// </summary>
public sealed class PersonSubjectTokenHandler(IdTokenValidator validator) : IOpenIddictServerHandler<ValidateTokenContext>
{
    private static readonly object Key = new();

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
        .UseScopedHandler<PersonSubjectTokenHandler>()
        .SetOrder(int.MinValue + 1_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    /// <summary>The person this request's subject token named, once validated.</summary>
    public static PersonIdentity? Validated(HttpContext context) => context.Items[Key] as PersonIdentity;

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Request is not { } request || !request.IsTokenExchangeGrantType() || !string.Equals(context.Token, request.SubjectToken, StringComparison.Ordinal))
        {
            return;
        }
        if (request.SubjectTokenType != TokenTypeIdentifiers.IdentityToken)
        {
            context.Reject(Errors.InvalidRequest, $"The subject_token_type must be {TokenTypeIdentifiers.IdentityToken}: a person's ID token.");
            return;
        }
        var http = context.Transaction.GetHttpRequest()?.HttpContext
            ?? throw new InvalidOperationException("The token exchange runs only inside an HTTP request.");
        var person = Validated(http);
        if (person is null)
        {
            (person, var refusal) = await validator.ValidateAsync(context.Token!, context.CancellationToken);
            if (person is null)
            {
                context.Reject(Errors.InvalidGrant, $"The subject token was refused: {refusal}.");
                return;
            }
            http.Items[Key] = person;
        }
        var identity = new ClaimsIdentity("exchange-person", Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Reference);
        context.Principal = new ClaimsPrincipal(identity)
            .SetTokenType(TokenTypeIdentifiers.IdentityToken)
            .SetPresenters(request.ClientId ?? "")
            .SetAudiences(request.ClientId ?? "")
            .SetExpirationDate(person.ExpiresAt);
    }
}
