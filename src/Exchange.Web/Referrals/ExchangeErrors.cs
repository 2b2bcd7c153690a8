using Exchange.Client;
using Exchange.Web.People;
using Grpc.Core;

namespace Exchange.Web.Referrals;

/// <summary>What to tell a person when a call fails: in Swedish, never the server's text about a person.</summary>
public static class ExchangeErrors
{
    public const string NotFoundOrDenied = "Remissen finns inte eller så har du inte behörighet.";

    public static string Describe(RpcException e, PersonSession session)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(session);
        if (e.StatusCode == StatusCode.Unauthenticated && e.GetTokenRefusal() is null)
        {
            // The exchange ended the person token (e.g. the roles changed): the next call gets a new one.
            session.Invalidate();
            return "Din behörighet har ändrats. Försök igen.";
        }
        return e.StatusCode switch
        {
            StatusCode.PermissionDenied => "Du har inte behörighet till detta.",
            StatusCode.NotFound => "Det finns inte, eller så har du inte behörighet.",
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => "Exchange kan inte nås just nu. Försök igen om en stund.",
            StatusCode.FailedPrecondition => "Det går inte i det här läget.",
            StatusCode.InvalidArgument => "Uppgifterna godtogs inte.",
            StatusCode.AlreadyExists => "Det finns redan.",
            StatusCode.Unauthenticated => "Du behöver logga in igen.",
            _ => "Något gick fel. Försök igen.",
        };
    }
}
