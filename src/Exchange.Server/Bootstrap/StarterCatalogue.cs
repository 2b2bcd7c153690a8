using Exchange.Server.Audit;
using Exchange.Server.Statistics;
using Exchange.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Server.Bootstrap;

/// <summary>
/// The indicators every exchange starts with, in every environment: what the parties of a regional
/// action plan against men's violence against women typically follow up, each tied to one of the
/// plan's four goals. Added on start when their code is missing, never changed afterwards: from
/// then on operators own the catalogue.
/// </summary>
internal static class StarterCatalogue
{
    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ExchangeDbContext>();
        var catalogue = services.GetRequiredService<IndicatorCatalogue>();
        var existing = await db.Indicators.Select(i => i.Code).ToListAsync(cancellationToken);
        foreach (var indicator in Indicators().Where(i => !existing.Contains(i.Code)))
        {
            await catalogue.CreateAsync(indicator, SystemActors.Bootstrap, cancellationToken);
        }
    }

    private static IndicatorDimension Sex() => new() { Code = "victim_sex", Name = "Sex of the person subjected to violence", Values = ["female", "male"] };

    private static IndicatorDimension Age(params string[] bands) => new()
    {
        Code = "age_band",
        Name = "Age band",
        Values = bands.Length > 0 ? [.. bands] : ["0_17", "18_29", "30_49", "50_64", "65_plus"],
    };

    private static IndicatorDimension Children() => new() { Code = "accompanied_by_children", Name = "Accompanied by children", Values = ["yes", "no"] };

    public static IEnumerable<IndicatorEntity> Indicators()
    {
        yield return new IndicatorEntity
        {
            Code = "exchange_referrals",
            Name = "Referrals through the exchange",
            Description = "Referrals sent through the exchange, counted by the exchange itself: per month and the recipient's county, by the sender's and the recipient's kind, the reason category and the outcome so far (pending, accepted, rejected, completed, revoked). No authority reports it.",
            Goal = 2,
            Unit = "referrals",
            ReporterKinds = [],
            ReportingPeriod = PeriodKind.Month,
            ReportingLevel = AreaLevelKind.County,
            MaxCrossedDimensions = 1,
            Dimensions =
            [
                new() { Code = "sender_kind", Name = "Sender's kind", Values = ["police", "region", "municipality", "shelter"] },
                new() { Code = "recipient_kind", Name = "Recipient's kind", Values = ["region", "municipality", "shelter"] },
                new() { Code = "reason_category", Name = "Reason category", Values = ["intimate_partner_violence", "family_violence", "honour_related_violence", "sexual_violence", "child_witness", "prostitution_and_trafficking", "other"] },
                new() { Code = "outcome", Name = "Outcome so far", Values = ["pending", "accepted", "rejected", "completed", "revoked"] },
            ],
        };
        yield return new IndicatorEntity
        {
            Code = "police_reported_offences_close_relationship",
            Name = "Reported offences in close relationships",
            Description = "Offences reported to the police where the person subjected to violence and the suspected offender are or were in a close relationship, by offence, the victim's sex and age band, and relation to the offender.",
            Goal = 3,
            Unit = "reported offences",
            ReporterKinds = [PartyKind.Police],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.Municipality,
            // Four dimensions of a sparse register: one breakdown at a time keeps most of it publishable.
            MaxCrossedDimensions = 1,
            Dimensions =
            [
                new() { Code = "offence", Name = "Offence", Values = ["misshandel", "grov_kvinnofridskrankning", "grov_fridskrankning", "olaga_forfoljelse", "olaga_hot", "valdtakt"] },
                Sex(),
                Age(),
                new() { Code = "relation", Name = "Relation to the offender", Values = ["partner_or_former_partner", "other_family", "other_acquaintance"] },
            ],
        };
        yield return new IndicatorEntity
        {
            Code = "region_patients_asked_about_violence",
            Name = "Patients asked routinely about violence",
            Description = "Patients whom healthcare staff asked the routine questions about exposure to violence in close relationships.",
            Goal = 2,
            Unit = "patients",
            ReporterKinds = [PartyKind.Region],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.County,
            Dimensions = [Sex(), Age()],
        };
        yield return new IndicatorEntity
        {
            Code = "region_patients_referred_onwards",
            Name = "Patients referred onwards for violence",
            Description = "Patients subjected to violence in close relationships whom healthcare referred onwards to social services, a shelter or specialised care.",
            Goal = 2,
            Unit = "patients",
            ReporterKinds = [PartyKind.Region],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.County,
            Dimensions = [Sex(), Age()],
        };
        yield return new IndicatorEntity
        {
            Code = "municipality_adults_supported",
            Name = "Adults given support for violence in close relationships",
            Description = "Adults subjected to violence in close relationships who received support from social services.",
            Goal = 2,
            Unit = "persons",
            ReporterKinds = [PartyKind.Municipality],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [Sex(), Age("18_29", "30_49", "50_64", "65_plus")],
        };
        yield return new IndicatorEntity
        {
            Code = "municipality_children_supported",
            Name = "Children given support for violence in close relationships",
            Description = "Children who were subjected to or witnessed violence in close relationships and received support from social services.",
            Goal = 2,
            Unit = "children",
            ReporterKinds = [PartyKind.Municipality],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [Sex()],
        };
        yield return new IndicatorEntity
        {
            Code = "municipality_sheltered_housing_placements",
            Name = "Placements in sheltered housing",
            Description = "Placements by social services in sheltered housing (skyddat boende) begun in the period.",
            Goal = 2,
            Unit = "placements",
            ReporterKinds = [PartyKind.Municipality],
            ReportingPeriod = PeriodKind.Quarter,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [Children()],
        };
        yield return new IndicatorEntity
        {
            Code = "municipality_staff_trained",
            Name = "Staff trained in violence in close relationships",
            Description = "Municipal staff who completed training on violence in close relationships and on asking about it.",
            Goal = 4,
            Unit = "staff",
            ReporterKinds = [PartyKind.Municipality],
            ReportingPeriod = PeriodKind.Year,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [new() { Code = "service", Name = "Service", Values = ["social_services", "schools", "elderly_care", "other"] }],
        };
        yield return new IndicatorEntity
        {
            Code = "shelter_support_contacts",
            Name = "Shelter support contacts",
            Description = "Support contacts between a women's shelter and persons subjected to violence.",
            Goal = 2,
            Unit = "contacts",
            ReporterKinds = [PartyKind.Shelter],
            ReportingPeriod = PeriodKind.Month,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [new() { Code = "channel", Name = "Channel", Values = ["phone", "visit", "digital"] }],
        };
        yield return new IndicatorEntity
        {
            Code = "shelter_nights_sheltered_housing",
            Name = "Nights in a shelter's sheltered housing",
            Description = "Nights stayed in the shelter's sheltered housing.",
            Goal = 2,
            Unit = "nights",
            ReporterKinds = [PartyKind.Shelter],
            ReportingPeriod = PeriodKind.Month,
            ReportingLevel = AreaLevelKind.Municipality,
            Dimensions = [Children()],
        };
    }
}
