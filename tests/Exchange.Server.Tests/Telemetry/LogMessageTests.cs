using System.Reflection;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Microsoft.Extensions.Logging;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Exchange.Server.Tests.Telemetry;

/// <summary>
/// Every log line is a [LoggerMessage] whose values are ids, counts, paths and reasons: a new one that
/// takes a message of the contract (which may hold a person) or a value named like a personal field
/// fails here, before it reaches a log. What the values hold at run time is TelemetryTests' part.
/// </summary>
public class LogMessageTests
{
    private static readonly Assembly ServerAssembly = typeof(Exchange.Server.Storage.ExchangeDbContext).Assembly;

    /// <summary>
    /// The names a logged string may have. Adding one is a decision to log that value: it must never
    /// hold personal data (no personnummer, name, contact detail or message text).
    /// </summary>
    private static readonly HashSet<string> ReviewedStringNames =
    [
        "repair", "provider", "dataDirectory", "clientId", "remoteAddress", "authorityId", "scopes", "reason", "path",
        "indicator", "county", "method", "problem", "file",
        // The server's own listening address (no issuer configured): configuration, not a person.
        "address",
        // A membership's random id and a web app party's authority id: never the person's name or identifier.
        "memberId", "webAppId",
    ];

    private static IEnumerable<MethodInfo> LogMessages() => ServerAssembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null);

    [Fact]
    public void Log_messages_take_only_reviewed_ids_counts_and_exceptions_never_a_contract_message()
    {
        var messages = LogMessages().ToList();
        Assert.True(messages.Count > 10, "the server's log messages were not found");
        foreach (var message in messages)
        {
            foreach (var parameter in message.GetParameters().Where(p => p.ParameterType != typeof(ILogger)))
            {
                var where = $"{message.DeclaringType!.Name}.{message.Name}({parameter.Name})";
                Assert.False(typeof(Google.Protobuf.IMessage).IsAssignableFrom(parameter.ParameterType), $"{where} logs a contract message, which may hold personal data");
                Assert.True(parameter.ParameterType.IsPrimitive || parameter.ParameterType.IsEnum || parameter.ParameterType == typeof(string) || typeof(Exception).IsAssignableFrom(parameter.ParameterType),
                    $"{where} logs a {parameter.ParameterType.Name}; log ids and counts, not objects");
                if (parameter.ParameterType == typeof(string))
                {
                    Assert.True(ReviewedStringNames.Contains(parameter.Name!), $"{where}: a logged string not yet reviewed for personal data");
                }
            }
        }
    }

    [Fact]
    public void The_server_logs_only_through_log_messages() =>
        Types().That().ResideInAssembly(ServerAssembly).Should().NotCallAny(MethodMembers().That().AreDeclaredIn(typeof(LoggerExtensions)))
            .Because("every log line is a [LoggerMessage] whose values this class checks")
            .Check(new ArchLoader().LoadAssemblies(ServerAssembly, typeof(LoggerExtensions).Assembly).Build());

    /// <summary>
    /// A person's data exists in the server only as these contract types. Outside the referral desk,
    /// which seals and opens them, no code may even name one: not the audit, the logs, the metrics or
    /// the statistics.
    /// </summary>
    [Fact]
    public void Only_the_referral_capability_touches_the_types_that_hold_a_person() =>
        Types().That().ResideInAssembly(ServerAssembly).And().DoNotResideInNamespaceMatching(@"^Exchange\.Server\.Referrals(\..*)?$")
            .Should().NotDependOnAny(Types().That().Are(typeof(V1.Subject), typeof(V1.ContactDetails), typeof(V1.Consent), typeof(V1.Referral), typeof(V1.SendReferralRequest)))
            .Because("personal data is sealed and opened in Referrals only")
            .Check(new ArchLoader().LoadAssemblies(ServerAssembly, typeof(V1.Subject).Assembly).Build());
}
