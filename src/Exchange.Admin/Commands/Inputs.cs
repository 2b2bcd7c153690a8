using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Admin.Commands;

/// <summary>How the tool reads what operators type: whole numbers, and times in Swedish time.</summary>
internal static class Inputs
{
    /// <summary>The operators' time zone: a date means a whole day there.</summary>
    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public const string DateHelp = "A date (YYYY-MM-DD) is a whole day in Swedish time (Europe/Stockholm); a time without an offset is Swedish time too.";

    /// <summary>An option taking a whole number within a range, with a plain message otherwise.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int? defaultValue = null)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    result.AddError($"{name} must be a whole number from {min} to {max} (got '{text}').");
                    return 0;
                }
                return value;
            },
        };
        if (defaultValue is { } d)
        {
            option.DefaultValueFactory = _ => d;
        }
        return option;
    }

    /// <summary>
    /// The start of what <paramref name="value"/> names: midnight in Sweden for a date, the time
    /// itself otherwise (Swedish time unless it has an offset).
    /// </summary>
    public static Timestamp Start(string value, string option) => Timestamp.FromDateTimeOffset(Parse(value, option, endOfDay: false));

    /// <summary>The end of what <paramref name="value"/> names, inclusive of a date: midnight after that day in Sweden.</summary>
    public static Timestamp End(string value, string option) => Timestamp.FromDateTimeOffset(Parse(value, option, endOfDay: true));

    internal static DateTimeOffset Parse(string value, string option, bool endOfDay)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var day = (endOfDay ? date.AddDays(1) : date).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(day, Sweden.GetUtcOffset(day));
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) && HasOffset(value))
        {
            return time;
        }
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Sweden.GetUtcOffset(local));
        }
        throw new AdminUsageException($"{option} must be a date (2026-03-31) or a time (2026-03-31T08:00, or with an offset such as 2026-03-31T08:00Z).");
    }

    private static bool HasOffset(string value) =>
        value.EndsWith('Z') || value.EndsWith('z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':');
}

/// <summary>Lists that come in pages: the tool reads them whole.</summary>
internal static class Pages
{
    /// <summary>Calls <paramref name="fetch"/> with each next page token until the last page, collecting every item.</summary>
    public static async Task<List<T>> AllAsync<T>(Func<string, Task<(IEnumerable<T> Items, string NextPageToken)>> fetch)
    {
        var all = new List<T>();
        var token = "";
        do
        {
            var (items, next) = await fetch(token);
            all.AddRange(items);
            token = next;
        }
        while (token.Length > 0);
        return all;
    }
}
