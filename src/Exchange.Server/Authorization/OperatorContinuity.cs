using Exchange.Contracts;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Authorization;

/// <summary>
/// The exchange always keeps at least one operator that can act: enabled, with an active credential
/// and a valid admin grant. Without one, nobody could manage access any more (or end an attacker's).
/// </summary>
public static class OperatorContinuity
{
    /// <summary>
    /// Saves the pending changes (call it inside the change's transaction, which commits them or not)
    /// so that the change itself counts, then checks the store. Throws FAILED_PRECONDITION when no
    /// operator could act. A grant's end date can still run out later: give operators open-ended
    /// admin grants.
    /// </summary>
    public static async Task EnsureAsync(ExchangeDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        var operators = await db.Authorities.AsNoTracking()
            .Where(a => a.Kind == PartyKind.Operator && a.Enabled)
            .Where(a => db.Credentials.Any(c => c.AuthorityId == a.Id && c.RevokedAt == null))
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        var grants = await db.Grants.AsNoTracking()
            .Where(g => operators.Contains(g.AuthorityId) && g.Scope == Scopes.Admin && g.RevokedAt == null)
            .ToListAsync(cancellationToken);
        if (!grants.Any(g => g.IsValidAt(now)))
        {
            throw DomainException.FailedPrecondition("LAST_OPERATOR", "operators",
                "This would leave no enabled operator with an active credential and a valid admin grant; add or enable another operator first.");
        }
    }
}
