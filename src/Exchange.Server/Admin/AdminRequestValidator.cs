using Exchange.Server.Authorization;
using Exchange.Contracts;
using Exchange.Server.Audit;
using Exchange.Server.Identity;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Admin;

/// <summary>
/// Edge validation of AdminService requests: every bad field is collected, never only the first.
/// Methods that take a <see cref="FieldViolations"/> or return one leave throwing to the caller (which
/// may add violations of its own); the others throw INVALID_ARGUMENT listing every bad field.
/// </summary>
public static class AdminRequestValidator
{
    public const int MaxReason = 500;

    public static (AuthorityEntity Authority, FieldViolations Violations) Authority(Authority? authority, bool creating)
    {
        var v = new FieldViolations();
        if (authority is null)
        {
            v.Add("authority", "Required.");
            return (null!, v);
        }
        v.Require(Identifiers.IsAuthorityId(authority.Id) && !(creating && SystemActors.ReservedAuthorityIds.Contains(authority.Id)), "authority.id",
            "3–63 characters of lower-case letters, digits and '-', starting with a letter, and not a reserved word (bootstrap, system, server, …).");
        v.Length(authority.Name, "authority.name", 1, 200);
        var organisationNumber = Identifiers.NormaliseOrganisationNumber(authority.OrganisationNumber);
        v.Require(organisationNumber is not null, "authority.organisation_number", "10 digits (NNNNNN-NNNN accepted) with a valid check digit.");
        if (creating)
        {
            v.Require(authority.Kind.ToParty() is not null, "authority.kind", "Required: police, region, municipality, county, shelter or operator.");
        }
        var entity = new AuthorityEntity
        {
            Id = authority.Id,
            Name = authority.Name,
            // Checked above when creating; an update keeps the stored kind.
            Kind = authority.Kind.ToParty() ?? default,
            OrganisationNumber = organisationNumber ?? "",
            AreaCodes = [.. authority.AreaCodes],
            AcceptsReferralsFrom = [.. authority.AcceptsReferralsFrom.Select(k => k.ToParty() ?? default).Distinct()],
        };
        v.Require(authority.AcceptsReferralsFrom.All(k => k.ToParty() is { } kind && KindPolicy.MayHold(kind, Scopes.ReferralsSend)), "authority.accepts_referrals_from",
            "Only kinds that may send referrals: police, region, municipality or shelter.");
        if (v.IsEmpty && creating)
        {
            foreach (var violation in AuthorityRules.Check(entity.Kind, entity.OrganisationNumber, entity.AreaCodes, entity.AcceptsReferralsFrom).Items)
            {
                v.Add(violation.Field, violation.Description);
            }
        }
        return (entity, v);
    }

    public static void AuthorityId(string id, string field = "authority_id") =>
        new FieldViolations().Require(Identifiers.IsAuthorityId(id), field, "An authority id: 3–63 characters of lower-case letters, digits and '-'.").ThrowIfAny();

    /// <summary>A reason, which the audit log keeps forever: so never anything shaped like a personnummer.</summary>
    public static void Reason(FieldViolations v, string reason, string field = "reason")
    {
        v.Length(reason, field, 1, MaxReason);
        v.Require(!Identifiers.ContainsPersonalIdentityNumber(reason), field,
            "Looks like it holds a personnummer; reasons are kept forever in the audit log: give a case or agreement reference instead.");
    }

    /// <summary>A public JWK for a credential; null, with a violation on <paramref name="field"/> saying why, when it is not one.</summary>
    public static PublicJwk? Jwk(FieldViolations v, string json, string field = "public_jwk")
    {
        var key = PublicJwk.Parse(json, out var error);
        if (key is null)
        {
            v.Add(field, error!);
        }
        return key;
    }

    public static void Id(FieldViolations v, string id, string field) =>
        v.Require(Guid.TryParse(id, out _), field, "An id as returned by the server (a UUID).");

    public static void Grant(CreateGrantRequest request)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsAuthorityId(request.AuthorityId), "authority_id", "An authority id.");
        v.Require(Scopes.IsGrantable(request.Scope), "scope", $"One of: {string.Join(", ", Scopes.Grantable)}.");
        Reason(v, request.Reason);
        var fromValid = Time(v, request.ValidFrom, "valid_from");
        var toValid = Time(v, request.ValidTo, "valid_to");
        if (fromValid && toValid && request.ValidTo is not null)
        {
            var from = request.ValidFrom?.ToDateTimeOffset();
            v.Require(from is null || request.ValidTo.ToDateTimeOffset() > from, "valid_to", "Must be after valid_from.");
        }
        v.ThrowIfAny();
    }

    /// <summary>An absent timestamp, or one a date can hold (years 1–9999, nanos 0–999,999,999); adds a violation otherwise.</summary>
    public static bool Time(FieldViolations v, Google.Protobuf.WellKnownTypes.Timestamp? time, string field)
    {
        // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of the protobuf Timestamp and of DateTimeOffset.
        var ok = time is null || (time.Nanos is >= 0 and <= 999_999_999 && time.Seconds is >= -62_135_596_800 and <= 253_402_300_799);
        v.Require(ok, field, "A timestamp between years 1 and 9999.");
        return ok;
    }

    public static IndicatorEntity Indicator(Indicator? indicator, bool creating)
    {
        var v = new FieldViolations();
        if (indicator is null)
        {
            v.Add("indicator", "Required.").ThrowIfAny();
        }
        v.Require(Identifiers.IsCode(indicator!.Code) && indicator.Code.Length >= 2, "indicator.code", "Lower snake case, 2–64 characters (e.g. reported_assaults).");
        v.Length(indicator.Name, "indicator.name", 1, 200);
        v.Length(indicator.Description, "indicator.description", 0, 2000, multiline: true);
        v.Length(indicator.Unit, "indicator.unit", 1, 64);
        if (creating)
        {
            v.Require(indicator.Goal is >= PlanGoal.Prevention and <= PlanGoal.KnowledgeAndMethods, "indicator.goal", "The plan goal, 1–4.");
            v.Require(indicator.Dimensions.Count <= 8, "indicator.dimensions", "At most 8 dimensions.");
            for (var i = 0; i < indicator.Dimensions.Count; i++)
            {
                var d = indicator.Dimensions[i];
                v.Require(Identifiers.IsCode(d.Code), $"indicator.dimensions[{i}].code", "Lower snake case, 1–64 characters.");
                v.Length(d.Name, $"indicator.dimensions[{i}].name", 1, 200);
                v.Require(d.Values.Count is >= 1 and <= 100 && d.Values.All(Identifiers.IsCode) && d.Values.Distinct().Count() == d.Values.Count,
                    $"indicator.dimensions[{i}].values", "1–100 distinct value codes in lower snake case.");
            }
            v.Require(indicator.Dimensions.Select(d => d.Code).Distinct().Count() == indicator.Dimensions.Count, "indicator.dimensions", "Each dimension code once.");
            v.Require(indicator.ReportingLevel is AreaLevel.Municipality or AreaLevel.County, "indicator.reporting_level", "MUNICIPALITY or COUNTY: the area level cells are reported at.");
            v.Require(indicator.ReportingPeriod is PeriodType.Month or PeriodType.Quarter or PeriodType.Year, "indicator.reporting_period", "MONTH, QUARTER or YEAR: the period cells are reported for.");
            // A municipality or a shelter speaks for kommuner, never for a whole county.
            v.Require(indicator.ReportingLevel != AreaLevel.County || !indicator.ReporterKinds.Any(k => k is AuthorityKind.Municipality or AuthorityKind.Shelter),
                "indicator.reporting_level", "A county-level indicator is reported by the police, the region or the county: a municipality or a shelter reports for its kommuner only.");
            v.Require(indicator.MaxCrossedDimensions <= Math.Max(1, indicator.Dimensions.Count), "indicator.max_crossed_dimensions", "At most the indicator's number of dimensions.");
        }
        v.Require(indicator.MaxCrossedDimensions is >= 0 and <= 8, "indicator.max_crossed_dimensions", "1–8 dimensions one result may break down at once, or 0 for the default 2 (on update: keep it).");
        v.Require(indicator.DefinitionVersion is >= 0 and <= 1000, "indicator.definition_version", creating ? "0 or 1 for a new indicator's first definition." : "0 to keep it, or a higher version than the current one.");
        if (creating)
        {
            v.Require(indicator.DefinitionVersion <= 1, "indicator.definition_version", "0 or 1 for a new indicator's first definition.");
        }
        v.Require(indicator.ReporterKinds.Count >= 1 && indicator.ReporterKinds.All(k => k.ToParty() is { } kind && kind != PartyKind.Operator),
            "indicator.reporter_kinds", "At least one reporting kind (police, region, municipality, county, shelter).");
        v.Require(indicator.SuppressionThreshold == 0 || indicator.SuppressionThreshold is >= 2 and <= 100, "indicator.suppression_threshold", "2–100, or 0 for the default 5.");
        v.ThrowIfAny();
        return indicator.ToEntity();
    }
}
