using System.Security.Cryptography;
using Exchange.Server.Audit;
using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Server.Identity;

/// <summary>
/// Credentials of authorities. The credential rows are the history; what the token endpoint checks is
/// the authority's OpenIddict application, which this class keeps in step: its JSON Web Key Set holds
/// the active public keys and its (hashed) client secret the one active secret.
/// </summary>
/// <remarks>
/// Nobody but the authority itself holds its credentials after onboarding: an operator may set only
/// the first one (<see cref="CredentialOrigin.Onboarding"/>); later ones come from the authority
/// (<see cref="CredentialOrigin.SelfService"/>) or from a change two operators agree on
/// (<see cref="CredentialOrigin.BreakGlass"/>, see <see cref="CredentialChanges"/>). Every change is
/// audited with the authority as its subject, so the authority can read it.
/// </remarks>
public sealed class CredentialRegistry(ExchangeDbContext db, IOpenIddictApplicationManager applications, AuditLog audit, TimeProvider time)
{
    /// <summary>Adds a client secret, replacing (and revoking) the authority's previous one; returns the secret, shown once.</summary>
    public async Task<(CredentialEntity Credential, string Secret)> AddSecretAsync(string authorityId, CredentialOrigin origin, string actor, CancellationToken cancellationToken)
    {
        var authority = await FindAuthorityAsync(authorityId, cancellationToken);
        (CredentialEntity Credential, string Secret) added = default;
        await audit.SaveWithAuditAsync(db, async () =>
        {
            await EnsureOriginAllowedAsync(authority, origin, cancellationToken);
            var records = new List<AuditRecord>();
            added = await StageSecretAsync(authority, origin, actor, records, cancellationToken);
            await SyncApplicationAsync(authority, added.Secret, cancellationToken);
            return records;
        }, cancellationToken);
        return added;
    }

    /// <summary>Registers a public JWK that <see cref="PublicJwk.Parse"/> has already checked.</summary>
    public async Task<CredentialEntity> AddKeyAsync(string authorityId, PublicJwk key, CredentialOrigin origin, string actor, CancellationToken cancellationToken)
    {
        var authority = await FindAuthorityAsync(authorityId, cancellationToken);
        CredentialEntity? credential = null;
        await audit.SaveWithAuditAsync(db, async () =>
        {
            await EnsureOriginAllowedAsync(authority, origin, cancellationToken);
            var records = new List<AuditRecord>();
            credential = await StageKeyAsync(authority, key, origin, actor, records, cancellationToken);
            await SyncApplicationAsync(authority, newSecret: null, cancellationToken);
            return records;
        }, cancellationToken);
        return credential!;
    }

    /// <summary>
    /// Revokes a credential. Every token the authority holds ends with it (a token does not record
    /// which credential obtained it, and a revoked credential may have leaked); the authority's other
    /// credentials simply get new tokens. With <paramref name="ownerOnly"/>, only that authority's
    /// credentials are found (self-service).
    /// </summary>
    public async Task<CredentialEntity> RevokeAsync(string credentialId, string actor, string reason, CancellationToken cancellationToken, string? ownerOnly = null)
    {
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == credentialId && (ownerOnly == null || c.AuthorityId == ownerOnly), cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such credential.");
        var authority = await FindAuthorityAsync(credential.AuthorityId, cancellationToken);
        await audit.SaveWithAuditAsync(db, async () =>
        {
            await db.Entry(credential).ReloadAsync(cancellationToken);
            if (credential.RevokedAt is not null)
            {
                throw new DomainException(DomainError.FailedPrecondition, "The credential is already revoked.");
            }
            if (credential.AuthorityId == actor
                && !await db.Credentials.AnyAsync(c => c.AuthorityId == actor && c.Id != credential.Id && c.RevokedAt == null, cancellationToken))
            {
                throw DomainException.FailedPrecondition("LAST_OWN_CREDENTIAL", credential.Id,
                    "This is your own last active credential; add another before revoking it, or you could not sign in again.");
            }
            var records = new List<AuditRecord>();
            await StageRevokeAsync(authority, credential, actor, reason, records, cancellationToken);
            await SyncApplicationAsync(authority, newSecret: null, cancellationToken);
            if (authority.Kind == PartyKind.Operator)
            {
                await OperatorContinuity.EnsureAsync(db, time.GetUtcNow(), cancellationToken);
            }
            return records;
        }, cancellationToken);
        return credential;
    }

    public async Task<IReadOnlyList<CredentialEntity>> ListAsync(string authorityId, CancellationToken cancellationToken)
    {
        await FindAuthorityAsync(authorityId, cancellationToken);
        return await db.Credentials.AsNoTracking().Where(c => c.AuthorityId == authorityId)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Hex SHA-256 of a client secret as stored in <see cref="CredentialEntity.SecretHash"/>.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    internal async Task<AuthorityEntity> FindAuthorityAsync(string authorityId, CancellationToken cancellationToken) =>
        await db.Authorities.FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken)
        ?? throw new DomainException(DomainError.NotFound, "No such authority.");

    /// <summary>An operator sets an authority's first credential only: once it has had one, nobody but the authority should hold its credentials.</summary>
    private async Task EnsureOriginAllowedAsync(AuthorityEntity authority, CredentialOrigin origin, CancellationToken cancellationToken)
    {
        if (origin == CredentialOrigin.Onboarding && await db.Credentials.AnyAsync(c => c.AuthorityId == authority.Id, cancellationToken))
        {
            throw DomainException.FailedPrecondition("CREDENTIAL_EXISTS", authority.Id,
                "The authority already has had a credential, so an operator cannot set one: the authority adds its own (AccountService), " +
                "or one operator proposes a break-glass change (ProposeCredentialChange) that a second operator approves.");
        }
    }

    // The Stage* methods change the store inside the caller's audited transaction and add their audit records.

    internal async Task<(CredentialEntity Credential, string Secret)> StageSecretAsync(AuthorityEntity authority, CredentialOrigin origin, string actor, List<AuditRecord> records, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var credential = new CredentialEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authority.Id,
            Kind = CredentialKind.ClientSecret,
            SecretHash = HashSecret(secret),
            Origin = origin,
            CreatedAt = now,
            CreatedBy = actor,
        };
        // Inside the audit lock and transaction, so that concurrent replacements leave one active secret.
        var previous = await db.Credentials.Where(c => c.AuthorityId == authority.Id && c.Kind == CredentialKind.ClientSecret && c.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var replaced in previous)
        {
            await StageRevokeAsync(authority, replaced, actor, "replaced by a new secret", records, cancellationToken);
        }
        db.Credentials.Add(credential);
        records.Add(Record(actor, "credential.secret_added", credential));
        return (credential, secret);
    }

    internal async Task<CredentialEntity> StageKeyAsync(AuthorityEntity authority, PublicJwk key, CredentialOrigin origin, string actor, List<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (await db.Credentials.AnyAsync(c => c.AuthorityId == authority.Id && c.KeyId == key.KeyId && c.RevokedAt == null, cancellationToken))
        {
            throw new DomainException(DomainError.AlreadyExists, "A key with this key id is already registered for the authority.");
        }
        var credential = new CredentialEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authority.Id,
            Kind = CredentialKind.PublicKey,
            KeyId = key.KeyId,
            PublicJwk = key.Json,
            Origin = origin,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        };
        db.Credentials.Add(credential);
        records.Add(Record(actor, "credential.key_added", credential));
        return credential;
    }

    internal async Task StageRevokeAsync(AuthorityEntity authority, CredentialEntity credential, string actor, string reason, List<AuditRecord> records, CancellationToken cancellationToken)
    {
        credential.RevokedAt = time.GetUtcNow();
        credential.RevokedBy = actor;
        credential.RevokeReason = reason;
        await IssuedTokens.EndAllAsync(db, authority.Id, cancellationToken);
        records.Add(Record(actor, "credential.revoked", credential) with { Reason = reason });
    }

    private static AuditRecord Record(string actor, string action, CredentialEntity credential) =>
        new(actor, action, "credential", credential.Id) { SubjectAuthorityId = credential.AuthorityId };

    internal async Task SyncApplicationAsync(AuthorityEntity authority, string? newSecret, CancellationToken cancellationToken)
    {
        // Pending changes of this unit of work count: read the tracked rows, not only the stored ones.
        var active = db.ChangeTracker.Entries<CredentialEntity>().Select(e => e.Entity)
            .Concat(await db.Credentials.Where(c => c.AuthorityId == authority.Id).ToListAsync(cancellationToken))
            .DistinctBy(c => c.Id)
            .Where(c => c.AuthorityId == authority.Id && c.RevokedAt is null)
            .ToList();
        var keys = active.Where(c => c.Kind == CredentialKind.PublicKey).ToList();
        var hasSecret = active.Any(c => c.Kind == CredentialKind.ClientSecret);
        var application = await applications.FindByClientIdAsync(authority.Id, cancellationToken);

        var descriptor = new OpenIddictApplicationDescriptor();
        if (application is not null)
        {
            await applications.PopulateAsync(descriptor, application, cancellationToken);
        }
        else
        {
            descriptor.ClientId = authority.Id;
            descriptor.ClientType = ClientTypes.Confidential;
            foreach (var permission in IdentityExtensions.ClientPermissions)
            {
                descriptor.Permissions.Add(permission);
            }
        }
        descriptor.DisplayName = authority.Name;
        if (keys.Count > 0)
        {
            var set = new JsonWebKeySet();
            foreach (var key in keys)
            {
                set.Keys.Add(new JsonWebKey(key.PublicJwk));
            }
            descriptor.JsonWebKeySet = set;
        }
        else
        {
            descriptor.JsonWebKeySet = null;
        }
        if (newSecret is not null)
        {
            descriptor.ClientSecret = newSecret;
        }
        else if (!hasSecret && keys.Count > 0)
        {
            // Only one secret is ever active, so no active secret row means no secret at all.
            descriptor.ClientSecret = null;
        }
        else if (!hasSecret)
        {
            // No credential left. The application stays (a token request in flight must fail
            // cleanly), locked with a secret nobody was ever given.
            descriptor.ClientSecret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        }

        if (application is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(application, descriptor, cancellationToken);
        }
    }
}
