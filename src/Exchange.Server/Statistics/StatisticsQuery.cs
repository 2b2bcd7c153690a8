using System.Security.Cryptography;
using Exchange.Server.Authorization;
using Exchange.Server.Statistics.Disclosure;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;

namespace Exchange.Server.Statistics;

/// <summary>
/// Answers queries. Aggregates are only ever read from protected tables, cell by cell, so a query
/// can only show cells of the one pattern the table holds; query shapes that would publish a sum the
/// table does not hold (several values of a dimension that is not grouped) are refused. A reporter's
/// own cells are read raw, from its own rows only.
/// </summary>
public sealed class StatisticsQuery(IndicatorCatalogue catalogue, StatisticsStore store, ProtectedTables tables, TimeProvider time)
{
    public const int MaxPageSize = 5000;
    private const int MaxYears = 30;

    public async Task<QueryStatisticsResponse> QueryAsync(Caller caller, QueryStatisticsRequest request, CancellationToken cancellationToken)
    {
        var v = new FieldViolations();
        IndicatorEntity? indicator = null;
        if (!Identifiers.IsCode(request.IndicatorCode) || (indicator = await catalogue.FindAsync(request.IndicatorCode, cancellationToken)) is null)
        {
            v.Add("indicator_code", "Not an indicator of the catalogue (see ListIndicators).").ThrowIfAny();
        }
        var ind = indicator!;
        if (request.OwnCellsOnly ? !DataRules.MayReadOwnCells(caller) : !DataRules.MayReadAggregates(caller))
        {
            throw new DomainException(DomainError.PermissionDenied, request.OwnCellsOnly
                ? "Reading your own cells needs the statistics.report scope."
                : "Reading aggregates needs the statistics.read scope; a reporter may read its own cells with own_cells_only.");
        }
        var version = request.DefinitionVersion == 0 ? ind.DefinitionVersion : request.DefinitionVersion;
        v.Require(version >= 1 && version <= ind.DefinitionVersion, "definition_version", $"0 (the current one) or 1–{ind.DefinitionVersion}.");
        var (kind, from, to) = CheckRange(v, ind, request.FromPeriod, request.ToPeriod, exact: request.OwnCellsOnly);
        Paging.CheckPageSize(v, request.PageSize, MaxPageSize);

        var areaLevel = request.AreaLevel switch
        {
            AreaLevel.Unspecified => ind.ReportingLevel,
            AreaLevel.Municipality => AreaLevelKind.Municipality,
            AreaLevel.County => AreaLevelKind.County,
            _ => (AreaLevelKind)0,
        };
        v.Require(areaLevel == AreaLevelKind.County || (areaLevel == AreaLevelKind.Municipality && ind.ReportingLevel == AreaLevelKind.Municipality),
            "area_level", "The indicator's reporting level or a coarser one: COUNTY, or MUNICIPALITY for an indicator reported by municipality.");
        if (request.OwnCellsOnly)
        {
            areaLevel = ind.ReportingLevel;
        }
        v.Require(request.AreaCodes.Count <= 300, "area_codes", "At most 300 areas.");
        for (var i = 0; i < request.AreaCodes.Count && i < 300; i++)
        {
            var code = request.AreaCodes[i];
            v.Require(areaLevel == AreaLevelKind.Municipality ? Identifiers.IsMunicipalityCode(code) : Identifiers.IsCountyCode(code),
                $"area_codes[{i}]", areaLevel == AreaLevelKind.Municipality ? "A kommunkod of 4 digits, e.g. 2281." : "A county code of 2 digits, e.g. 22.");
        }

        var dimensionCodes = ind.Dimensions.Select(d => d.Code).ToList();
        for (var i = 0; i < request.GroupBy.Count; i++)
        {
            v.Require(dimensionCodes.Contains(request.GroupBy[i]), $"group_by[{i}]", "Not a dimension of this indicator.");
            v.Require(request.GroupBy.IndexOf(request.GroupBy[i]) == i, $"group_by[{i}]", "Each dimension once.");
        }
        var filters = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < request.Filters.Count; i++)
        {
            var filter = request.Filters[i];
            var dimension = ind.Dimensions.FirstOrDefault(d => d.Code == filter.Dimension);
            if (dimension is null)
            {
                v.Add($"filters[{i}].dimension", "Not a dimension of this indicator.");
                continue;
            }
            if (!filters.TryAdd(filter.Dimension, [.. filter.Values]))
            {
                v.Add($"filters[{i}].dimension", "Each dimension in one filter.");
            }
            v.Require(filter.Values.Count >= 1 && filter.Values.All(dimension.Values.Contains), $"filters[{i}].values", "One or more allowed values of the dimension.");
            // Two values of a dimension summed together are a cell no protected table holds: its
            // suppression pattern could not take it into account.
            v.Require(request.OwnCellsOnly || filter.Values.Count <= 1 || request.GroupBy.Contains(filter.Dimension), $"filters[{i}].values",
                "Several values of a dimension that is not grouped by would publish their sum, which disclosure control cannot protect: group by the dimension too, or filter on one value.");
        }
        var crossed = request.GroupBy.Union(filters.Keys).Distinct().Count();
        // Finer tables of a sparse register are almost all small counts: publishing them would hide
        // nearly everything around them too, so the indicator says how fine results may be.
        v.Require(request.OwnCellsOnly || crossed <= ind.MaxCrossedDimensions, "group_by",
            $"This indicator is published by at most {ind.MaxCrossedDimensions} of its dimensions at once (grouped, or filtered to one value): finer tables cannot be protected without hiding nearly all of them.");
        var size = Paging.Size(request.PageSize, 1000);
        if (request.OwnCellsOnly)
        {
            var after = DecodeKey(v, "own-cells", request.PageToken, Fingerprint(request));
            v.ThrowIfAny();
            var range = new CellRange(from.Year, from.Number, to.Year, to.Number, [.. request.AreaCodes], filters);
            var rows = await store.OwnCellsPageAsync(caller.AuthorityId, ind.Code, version, range, after, size + 1, cancellationToken);
            var own = new QueryStatisticsResponse
            {
                SuppressionThreshold = ind.SuppressionThreshold,
                DefinitionVersion = version,
                Cells = { rows.Take(size).Select(r => OwnCell(ind, r)) },
            };
            if (rows.Count > size)
            {
                own.NextPageToken = EncodeKey("own-cells", Fingerprint(request), rows[size - 1]);
            }
            return own;
        }

        var offset = DecodeOffset(v, request);
        v.ThrowIfAny();

        var cells = await AggregatesAsync(ind, version, kind, from, to, areaLevel, request, filters, Periods.TodayInSweden(time), cancellationToken);
        var response = new QueryStatisticsResponse
        {
            SuppressionThreshold = ind.SuppressionThreshold,
            DefinitionVersion = version,
            Cells = { cells.Skip(offset).Take(size) },
        };
        if ((long)offset + size < cells.Count)
        {
            response.NextPageToken = Paging.Encode("statistics", $"{Fingerprint(request)}:{offset + size}");
        }
        return response;
    }

    /// <summary>A keyset page token: the last cell of a page, bound to the request it pages.</summary>
    internal static string EncodeKey(string kind, string fingerprint, StatisticsCellEntity last) =>
        Paging.Encode(kind, string.Join('|', fingerprint, last.Year, last.PeriodNumber, last.AreaCode, last.DefinitionVersion, last.Dimensions));

    internal static CellKey? DecodeKey(FieldViolations v, string kind, string token, string fingerprint)
    {
        var key = Paging.Decode(v, kind, token);
        if (key is null)
        {
            return null;
        }
        var parts = key.Split('|', 6);
        if (parts.Length == 6 && parts[0] == fingerprint
            && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var year)
            && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var number)
            && int.TryParse(parts[4], System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return new CellKey("", version, year, number, parts[3], parts[5]);
        }
        v.Add("page_token", "Not a page token of this request; pass next_page_token unchanged with the same request.");
        return null;
    }

    private static ResultCell OwnCell(IndicatorEntity indicator, StatisticsCellEntity row)
    {
        var values = StoredDimensions.Parse(row.Dimensions).ToDictionary(p => p.Code, p => p.Value, StringComparer.Ordinal);
        return new ResultCell
        {
            Period = new Period { Type = indicator.ReportingPeriod.ToWire(), Year = row.Year, Number = row.PeriodNumber },
            AreaCode = row.AreaCode,
            Dimensions = { indicator.Dimensions.Select(d => new DimensionValue { Dimension = d.Code, Value = values.GetValueOrDefault(d.Code, "") }) },
            Status = CellStatus.Own,
            Count = row.Count,
        };
    }

    /// <summary>Checks a period range: of one type, the indicator's reporting period or coarser (exactly it for raw cells).</summary>
    internal static (PeriodKind Kind, Period From, Period To) CheckRange(FieldViolations v, IndicatorEntity indicator, Period? fromPeriod, Period? toPeriod, bool exact)
    {
        var from = fromPeriod ?? new Period();
        var to = toPeriod ?? from;
        if (!Periods.IsWellFormed(from))
        {
            v.Add("from_period", $"Required: a month, quarter or year, year {Periods.FirstYear}–{Periods.LastYear} (number 0 for a year).");
            return (indicator.ReportingPeriod, from, to);
        }
        var kind = from.Type.ToKind()!.Value;
        if (exact ? kind != indicator.ReportingPeriod : kind < indicator.ReportingPeriod)
        {
            v.Add("from_period.type", exact
                ? $"Own cells are read by the indicator's reporting period ({indicator.ReportingPeriod.ToString().ToLowerInvariant()})."
                : $"The indicator's reporting period ({indicator.ReportingPeriod.ToString().ToLowerInvariant()}) or a coarser one.");
        }
        if (!Periods.IsWellFormed(to) || to.Type != from.Type)
        {
            v.Add("to_period", "Empty, or a period of the same type as from_period.");
        }
        else if (Periods.Ordinal(kind, to.Year, to.Number) < Periods.Ordinal(kind, from.Year, from.Number))
        {
            v.Add("to_period", "Not before from_period.");
        }
        else if (to.Year - from.Year >= MaxYears)
        {
            v.Add("to_period", $"At most {MaxYears} years in one query.");
        }
        return (kind, from, to);
    }

    private async Task<List<ResultCell>> AggregatesAsync(IndicatorEntity indicator, int version, PeriodKind kind, Period from, Period to, AreaLevelKind areaLevel,
        QueryStatisticsRequest request, Dictionary<string, HashSet<string>> filters, DateOnly today, CancellationToken cancellationToken)
    {
        var result = new List<ResultCell>();
        var wantedAreas = request.AreaCodes.ToHashSet(StringComparer.Ordinal);
        for (var year = from.Year; year <= to.Year; year++)
        {
            var counties = (await store.CountiesAsync(indicator.Code, version, year, cancellationToken))
                .Where(c => wantedAreas.Count == 0 || wantedAreas.Contains(c) || wantedAreas.Any(a => a.StartsWith(c, StringComparison.Ordinal)));
            foreach (var county in counties)
            {
                var table = await tables.GetAsync(indicator, version, year, county, store, cancellationToken);
                result.AddRange(Read(table, indicator, kind, from, to, year, areaLevel, wantedAreas, request, filters, today));
            }
        }
        return result;
    }

    /// <summary>The query's cells of one protected table, in order: period, area, grouped values (totals after the values).</summary>
    internal static IEnumerable<ResultCell> Read(ProtectedTable table, IndicatorEntity indicator, PeriodKind kind, Period from, Period to, int year,
        AreaLevelKind areaLevel, IReadOnlySet<string> wantedAreas, QueryStatisticsRequest request, IReadOnlyDictionary<string, HashSet<string>> filters, DateOnly today)
    {
        var dims = table.Dimensions;
        var periods = new List<(int Node, int Number)>();
        for (var number = kind == PeriodKind.Year ? 0 : 1; number <= (kind == PeriodKind.Year ? 0 : Periods.PerYear(kind)); number++)
        {
            var ordinal = Periods.Ordinal(kind, year, number);
            if (ordinal >= Periods.Ordinal(kind, from.Year, from.Number) && ordinal <= Periods.Ordinal(kind, to.Year, to.Number)
                && Periods.Start(kind, year, number) <= today && dims[0].Find(Periods.NodeCode(kind, number)) is { } node)
            {
                periods.Add((node, number));
            }
        }
        var area = dims[1];
        var areas = new List<int>();
        if (areaLevel == AreaLevelKind.County || area.Leaves.Length == 1 && area.Leaves[0] == area.Root)
        {
            if (wantedAreas.Count == 0 || wantedAreas.Contains(area.Codes[area.Root]))
            {
                areas.Add(area.Root);
            }
        }
        else
        {
            areas.AddRange(area.Leaves.Where(n => wantedAreas.Count == 0 || wantedAreas.Contains(area.Codes[n])));
            if (request.IncludeTotals && wantedAreas.Count == 0 && areas.Count > 0)
            {
                areas.Add(area.Root);
            }
        }

        // Per indicator dimension: the nodes to read, and whether the result shows them.
        var options = new List<int>[indicator.Dimensions.Count];
        for (var d = 0; d < indicator.Dimensions.Count; d++)
        {
            var dim = dims[d + 2];
            var code = indicator.Dimensions[d].Code;
            filters.TryGetValue(code, out var kept);
            if (request.GroupBy.Contains(code))
            {
                options[d] = [.. dim.Leaves.Where(n => kept is null || kept.Contains(dim.Codes[n]))];
                if (request.IncludeTotals && kept is null)
                {
                    options[d].Add(dim.Root);
                }
            }
            else
            {
                options[d] = [kept is null ? dim.Root : dim.Find(kept.Single())!.Value];
            }
        }
        var groupOrder = request.GroupBy.Select(g => indicator.Dimensions.FindIndex(d => d.Code == g)).ToArray();

        var nodes = new int[dims.Length];
        foreach (var (periodNode, number) in periods)
        {
            nodes[0] = periodNode;
            foreach (var areaNode in areas)
            {
                nodes[1] = areaNode;
                foreach (var combination in Combinations(options))
                {
                    for (var d = 0; d < combination.Length; d++)
                    {
                        nodes[d + 2] = combination[d];
                    }
                    var index = table.Index(nodes);
                    var status = table.Withheld ? Disclosure.Disclosure.Secondary : table.Status[index];
                    var cell = new ResultCell
                    {
                        Period = new Period { Type = kind.ToWire(), Year = year, Number = number },
                        AreaCode = area.Codes[areaNode],
                        Status = status switch
                        {
                            Disclosure.Disclosure.Free => CellStatus.Free,
                            Disclosure.Disclosure.Primary => CellStatus.PrimarySuppressed,
                            _ => CellStatus.SecondarySuppressed,
                        },
                    };
                    foreach (var d in groupOrder)
                    {
                        cell.Dimensions.Add(new DimensionValue { Dimension = indicator.Dimensions[d].Code, Value = dims[d + 2].Codes[combination[d]] });
                    }
                    if (status == Disclosure.Disclosure.Free)
                    {
                        cell.Count = table.Values[index];
                    }
                    yield return cell;
                }
            }
        }
    }

    private static IEnumerable<int[]> Combinations(List<int>[] options)
    {
        var current = new int[options.Length];
        IEnumerable<int[]> Walk(int d)
        {
            if (d == options.Length)
            {
                yield return current;
                yield break;
            }
            foreach (var node in options[d])
            {
                current[d] = node;
                foreach (var c in Walk(d + 1))
                {
                    yield return c;
                }
            }
        }
        return Walk(0);
    }

    /// <summary>What a page token is bound to: the query without its paging.</summary>
    internal static string Fingerprint<T>(T request) where T : Google.Protobuf.IMessage<T>
    {
        var copy = request.Clone();
        // The page size may change from page to page; everything else must stay.
        copy.Descriptor.FindFieldByName("page_size").Accessor.Clear(copy);
        copy.Descriptor.FindFieldByName("page_token").Accessor.Clear(copy);
        return Convert.ToHexStringLower(SHA256.HashData(Google.Protobuf.MessageExtensions.ToByteArray(copy)))[..16];
    }

    private static int DecodeOffset(FieldViolations v, QueryStatisticsRequest request)
    {
        var key = Paging.Decode(v, "statistics", request.PageToken);
        if (key is null)
        {
            return 0;
        }
        var parts = key.Split(':');
        if (parts.Length == 2 && parts[0] == Fingerprint(request) && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var offset) && offset > 0)
        {
            return offset;
        }
        v.Add("page_token", "Not a page token of this query; pass next_page_token unchanged with the same query.");
        return 0;
    }
}
