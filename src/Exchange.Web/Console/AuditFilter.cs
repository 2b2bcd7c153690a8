using Exchange.V1;

namespace Exchange.Web.Console;

/// <summary>The audit search's filters: every filter ListAuditEvents offers, with dates as whole Swedish days.</summary>
public sealed class AuditFilter
{
    /// <summary>From the start of this day.</summary>
    public DateTime? From { get; set; }

    /// <summary>To the end of this day, inclusive.</summary>
    public DateTime? Until { get; set; }

    public string Action { get; set; } = "";
    public string ActorAuthorityId { get; set; } = "";
    public string ActorMemberId { get; set; } = "";
    public string SubjectAuthorityId { get; set; } = "";
    public string TargetType { get; set; } = "";
    public string TargetId { get; set; } = "";
    public bool NewestFirst { get; set; } = true;
    public int PageSize { get; set; } = 100;

    public ListAuditEventsRequest ToRequest(string pageToken = "", int? pageSize = null)
    {
        var request = new ListAuditEventsRequest
        {
            Action = Action.Trim(),
            ActorAuthorityId = ActorAuthorityId.Trim(),
            ActorMemberId = ActorMemberId.Trim(),
            SubjectAuthorityId = SubjectAuthorityId.Trim(),
            TargetType = TargetType.Trim(),
            TargetId = TargetId.Trim(),
            NewestFirst = NewestFirst,
            PageSize = pageSize ?? PageSize,
            PageToken = pageToken,
        };
        if (From is { } from)
        {
            request.StartTime = ConsoleTexts.StartOf(from);
        }
        if (Until is { } until)
        {
            request.EndTime = ConsoleTexts.EndOf(until);
        }
        return request;
    }
}
