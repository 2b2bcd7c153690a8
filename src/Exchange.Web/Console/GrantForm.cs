using Exchange.Contracts;
using Exchange.V1;

namespace Exchange.Web.Console;

/// <summary>What an operator gives for a grant: a scope, a period in whole Swedish days and a reason.</summary>
public sealed class GrantForm
{
    public string Scope { get; set; } = Scopes.StatisticsReport;

    /// <summary>From the start of this day; none means now.</summary>
    public DateTime? From { get; set; }

    /// <summary>To the end of this day, inclusive (as exchange-admin's --to); none means open-ended.</summary>
    public DateTime? Until { get; set; }

    public string Reason { get; set; } = "";

    public CreateGrantRequest ToRequest(string authorityId)
    {
        var request = new CreateGrantRequest { AuthorityId = authorityId, Scope = Scope, Reason = Reason.Trim() };
        if (From is { } from)
        {
            request.ValidFrom = ConsoleTexts.StartOf(from);
        }
        if (Until is { } until)
        {
            request.ValidTo = ConsoleTexts.EndOf(until);
        }
        return request;
    }
}
