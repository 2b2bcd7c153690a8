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

    /// <summary>
    /// The server's field violations by field, to show beside the fields (the server's texts never
    /// quote a value). A field named twice keeps its first violation.
    /// </summary>
    public static Dictionary<string, string> FieldErrors(RpcException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, description) in e.GetFieldViolations())
        {
            errors.TryAdd(field, $"Exchange godtog inte uppgiften: {description}");
        }
        return errors;
    }

    /// <summary>
    /// For the operator console: what went wrong in Swedish, naming the rule the server applied (its
    /// precondition type), with the server's own words after it. Admin refusals name ids and rules,
    /// never a person, so an operator may see them; a denial or an outage is described as to anyone.
    /// </summary>
    public static string DescribeForOperator(RpcException e, PersonSession session)
    {
        var text = e.GetPreconditionFailures().Select(f => Precondition(f.Type)).FirstOrDefault(t => t is not null) ?? Describe(e, session);
        return e.StatusCode is StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.NotFound or StatusCode.InvalidArgument
            && !string.IsNullOrWhiteSpace(e.Status.Detail)
            ? $"{text} Exchange svarade: {e.Status.Detail}"
            : text;
    }

    /// <summary>The server's named rules (google.rpc.PreconditionFailure types), in Swedish.</summary>
    public static string? Precondition(string type) => type switch
    {
        "KIND_POLICY" => "Myndighetens typ får aldrig ha den behörigheten (se behörighetsmatrisen).",
        "GRANT_ENDED" => "Perioden har redan tagit slut. Ange ett slutdatum framåt i tiden, eller inget.",
        "OPERATORS_FROM_CONFIGURATION" => "Operatörer registreras i serverns konfiguration, inte här: ingen operatör kan skapa en annan.",
        "CREDENTIAL_EXISTS" => "Myndigheten har redan haft en inloggningsuppgift. Nästa kommer från myndigheten själv, eller som en nödändring som två operatörer är överens om.",
        "LAST_OWN_CREDENTIAL" => "Det är den egna sista inloggningsuppgiften: utan den kan myndigheten inte logga in.",
        "LAST_OPERATOR" => "Det skulle lämna Exchange utan en fungerande operatör.",
        "SECOND_OPERATOR" => "En annan operatör än den som föreslog ändringen måste godkänna den.",
        "PROPOSER_NOT_OPERATOR" => "Den som föreslog ändringen är inte längre operatör.",
        "CHANGE_DECIDED" => "Ändringen är redan avgjord.",
        "CHANGE_EXPIRED" => "Ändringen godkändes inte i tid. Föreslå den igen.",
        "DEFINITION_VERSION" => "Definitionsversionen kan bara höjas.",
        "OPERATOR_ROLE" => "Operatörsrollen är bara för medlemmar i en operatörsmyndighet.",
        "NO_MEMBERS_OF_WEB_APPS" => "En webbapp har inga medlemmar: personer är medlemmar i myndigheten de företräder.",
        _ => null,
    };
}
