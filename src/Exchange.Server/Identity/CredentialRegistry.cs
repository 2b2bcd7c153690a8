using System.Security.Cryptography;
using Exchange.Server.Audit;
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
public sealed class CredentialRegistry(ExchangeDbContext db, IOpenIddictApplicationManager applications, AuditLog audit, TimeProvider time)
{
    public async Task<(CredentialEntity Credential, string Secret)> AddSecretAsync(string authorityId, string actor, CancellationToken cancellationToken)
    {
        var authority = await FindAuthorityAsync(authorityId, cancellationToken);
        var now = time.GetUtcNow();
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var credential = new CredentialEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authorityId,
            Kind = CredentialKind.ClientSecret,
            SecretHash = HashSecret(secret),
            CreatedAt = now,
            CreatedBy = actor,
        };
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "credential.secret_added", "credential", credential.Id), async () =>
        {
            // Inside the audit lock and transaction, so that concurrent replacements leave one active secret.
            var previous = await db.Credentials.Where(c => c.AuthorityId == authorityId && c.Kind == CredentialKind.ClientSecret && c.RevokedAt == null).ToListAsync(cancellationToken);
            foreach (var replaced in previous)
            {
                replaced.RevokedAt = now;
                replaced.RevokedBy = actor;
                replaced.RevokeReason = "replaced by a new secret";
            }
            if (previous.Count > 0)
            {
                // A secret is replaced because it may have leaked: its tokens end with it.
                await RaiseCredentialsVersionAsync(authority, cancellationToken);
            }
            db.Credentials.Add(credential);
            await SyncApplicationAsync(authority, newSecret: secret, cancellationToken);
        }, cancellationToken);
        return (credential, secret);
    }

    /// <summary>Registers a public JWK that <see cref="PublicJwk.Parse"/> has already checked.</summary>
    public async Task<CredentialEntity> AddKeyAsync(string authorityId, PublicJwk key, string actor, CancellationToken cancellationToken)
    {
        var authority = await FindAuthorityAsync(authorityId, cancellationToken);
        var credential = new CredentialEntity
        {
            Id = Guid.NewGuid().ToString(),
            AuthorityId = authorityId,
            Kind = CredentialKind.PublicKey,
            KeyId = key.KeyId,
            PublicJwk = key.Json,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        };
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "credential.key_added", "credential", credential.Id), async () =>
        {
            if (await db.Credentials.AnyAsync(c => c.AuthorityId == authorityId && c.KeyId == key.KeyId && c.RevokedAt == null, cancellationToken))
            {
                throw new DomainException(DomainError.AlreadyExists, "A key with this key id is already registered for the authority.");
            }
            db.Credentials.Add(credential);
            await SyncApplicationAsync(authority, newSecret: null, cancellationToken);
        }, cancellationToken);
        return credential;
    }

    /// <summary>
    /// Revokes a credential. Every token the authority holds ends with it (a token does not record
    /// which credential obtained it, and a revoked credential may have leaked); the authority's other
    /// credentials simply get new tokens.
    /// </summary>
    public async Task<CredentialEntity> RevokeAsync(string credentialId, string actor, string reason, CancellationToken cancellationToken)
    {
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == credentialId, cancellationToken)
            ?? throw new DomainException(DomainError.NotFound, "No such credential.");
        var authority = await FindAuthorityAsync(credential.AuthorityId, cancellationToken);
        await audit.SaveWithAuditAsync(db, new AuditRecord(actor, "credential.revoked", "credential", credential.Id), async () =>
        {
            await db.Entry(credential).ReloadAsync(cancellationToken);
            if (credential.RevokedAt is not null)
            {
                throw new DomainException(DomainError.FailedPrecondition, "The credential is already revoked.");
            }
            if (credential.AuthorityId == actor
                && !await db.Credentials.AnyAsync(c => c.AuthorityId == actor && c.Id != credential.Id && c.RevokedAt == null, cancellationToken))
            {
                throw new DomainException(DomainError.FailedPrecondition, "This is your own last active credential; add another before revoking it, or no operator could sign in.");
            }
            credential.RevokedAt = time.GetUtcNow();
            credential.RevokedBy = actor;
            credential.RevokeReason = reason;
            await RaiseCredentialsVersionAsync(authority, cancellationToken);
            await SyncApplicationAsync(authority, newSecret: null, cancellationToken);
        }, cancellationToken);
        return credential;
    }

    public async Task<IReadOnlyList<CredentialEntity>> ListAsync(string authorityId, CancellationToken cancellationToken)
    {
        await FindAuthorityAsync(authorityId, cancellationToken);
        return await db.Credentials.AsNoTracking().Where(c => c.AuthorityId == authorityId)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);
    }

    private async Task<AuthorityEntity> FindAuthorityAsync(string authorityId, CancellationToken cancellationToken) =>
        await db.Authorities.FirstOrDefaultAsync(a => a.Id == authorityId, cancellationToken)
        ?? throw new DomainException(DomainError.NotFound, "No such authority.");

    /// <summary>Hex SHA-256 of a client secret as stored in <see cref="CredentialEntity.SecretHash"/>.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private async Task RaiseCredentialsVersionAsync(AuthorityEntity authority, CancellationToken cancellationToken)
    {
        await db.Entry(authority).ReloadAsync(cancellationToken);
        authority.CredentialsVersion++;
    }

    private async Task SyncApplicationAsync(AuthorityEntity authority, string? newSecret, CancellationToken cancellationToken)
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
            // No credential left. The application stays (token entries refer to it, and a token
            // request in flight must fail cleanly), locked with a secret nobody was ever given.
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
