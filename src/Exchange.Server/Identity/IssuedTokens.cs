using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Identity;

/// <summary>Ends access tokens already issued, which the server cannot recall once handed out.</summary>
public static class IssuedTokens
{
    /// <summary>
    /// Ends every access token issued to the authority so far, by raising its token version (each
    /// token carries the version it was issued under). Atomic in the database, so concurrent changes
    /// never lose a raise; call it inside the transaction of the change that causes it.
    /// </summary>
    public static Task EndAllAsync(ExchangeDbContext db, string authorityId, CancellationToken cancellationToken) =>
        db.Authorities.Where(a => a.Id == authorityId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.TokenVersion, a => a.TokenVersion + 1), cancellationToken);
}
