using Exchange.Server.Authorization;
using Exchange.Server.Validation;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Statistics;

/// <summary>StatisticsService on the wire. Access is enforced before any method runs (see AccessInterceptor).</summary>
[BindServiceMethod(typeof(StatisticsGrpcService), nameof(BindService))]
public sealed class StatisticsGrpcService(IndicatorCatalogue catalogue, StatisticsStore store, StatisticsQuery query, ProtectedTables tables, TimeProvider time) : StatisticsService.StatisticsServiceBase
{
    /// <summary>Cells in one SubmitStatistics request and in one upload chunk.</summary>
    public const int MaxCellsPerMessage = 10_000;

    /// <summary>Cells in one whole upload.</summary>
    public const int MaxCellsPerUpload = 1_000_000;

    public static void BindService(ServiceBinderBase binder, StatisticsService.StatisticsServiceBase service) =>
        StatisticsService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<ListIndicatorsResponse> ListIndicators(ListIndicatorsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        Paging.CheckPageSize(v, request.PageSize, 1000);
        var after = Paging.Decode(v, "indicators", request.PageToken);
        v.ThrowIfAny();
        var (page, last) = await catalogue.ListAsync(request.IncludeDisabled, after, Paging.Size(request.PageSize, 100), context.CancellationToken);
        return new ListIndicatorsResponse
        {
            Indicators = { page.Select(i => i.ToProto()) },
            NextPageToken = last is null ? "" : Paging.Encode("indicators", last),
        };
    }

    public override async Task<SubmitStatisticsResponse> SubmitStatistics(SubmitStatisticsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        v.Require(Identifiers.IsRequestId(request.RequestId), "request_id", "Required: 1–64 letters, digits, '-' or '_' (a UUID is recommended).");
        v.Require(request.Cells.Count is >= 1 and <= MaxCellsPerMessage, "cells", $"1–{MaxCellsPerMessage:N0} cells; use UploadStatistics for more.");
        v.ThrowIfAny();
        var rules = await RulesAsync(context);
        var cells = new List<ReportedCell>(request.Cells.Count);
        for (var i = 0; i < request.Cells.Count; i++)
        {
            if (rules.Check(request.Cells[i], $"cells[{i}]") is { } cell)
            {
                cells.Add(cell);
            }
        }
        rules.ThrowIfAny();
        // A check stores nothing, so it is not audited: the audit records changes, and the
        // submission that follows is audited as every other.
        var stored = request.ValidateOnly
            ? await store.PreviewAsync(context.GetCaller().AuthorityId, request.RequestId, cells, context.CancellationToken)
            : await StoreAsync(context, request.RequestId, cells);
        return new SubmitStatisticsResponse { Result = ToProto(stored) };
    }

    public override async Task<UploadStatisticsResponse> UploadStatistics(IAsyncStreamReader<UploadStatisticsRequest> requestStream, ServerCallContext context)
    {
        var rules = await RulesAsync(context);
        var cells = new List<ReportedCell>();
        string? requestId = null;
        var chunk = 0;
        var received = 0;
        // Nothing is written before the stream has completed: a broken stream ends here with an
        // exception, and nothing of it was stored.
        var ended = false;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var message = requestStream.Current;
            var v = new FieldViolations();
            v.Require(!ended, $"chunks[{chunk}]", "A chunk after the one marked last.");
            ended = message.Last;
            if (chunk == 0)
            {
                v.Require(Identifiers.IsRequestId(message.RequestId), "request_id", "Required on the first chunk: 1–64 letters, digits, '-' or '_' (a UUID is recommended).");
                requestId = message.RequestId;
            }
            else
            {
                v.Require(message.RequestId.Length == 0 || message.RequestId == requestId, $"chunks[{chunk}].request_id", "Empty or the first chunk's request_id.");
            }
            v.Require(message.Cells.Count <= MaxCellsPerMessage, $"chunks[{chunk}].cells", $"At most {MaxCellsPerMessage:N0} cells per chunk.");
            v.Require(received + message.Cells.Count <= MaxCellsPerUpload, $"chunks[{chunk}].cells", $"At most {MaxCellsPerUpload:N0} cells per upload.");
            v.ThrowIfAny();
            foreach (var cell in message.Cells)
            {
                if (rules.Check(cell, $"cells[{received}]") is { } checkedCell)
                {
                    cells.Add(checkedCell);
                }
                received++;
            }
            chunk++;
        }
        // A stream the client reset can end as if it had completed: only a call still alive has
        // delivered its whole upload.
        context.CancellationToken.ThrowIfCancellationRequested();
        var empty = new FieldViolations();
        empty.Require(chunk > 0, "request_id", "The upload sent no chunk: the first carries the request_id.");
        empty.Require(chunk == 0 || received > 0, "cells", "The upload carried no cells.");
        empty.Require(chunk == 0 || ended, "last", "The stream ended without a chunk marked last: nothing is stored. Send the whole upload again with the same request_id, marking its last chunk.");
        empty.ThrowIfAny();
        rules.ThrowIfAny();
        var stored = await StoreAsync(context, requestId!, cells);
        return new UploadStatisticsResponse { Result = ToProto(stored) };
    }

    public override Task<QueryStatisticsResponse> QueryStatistics(QueryStatisticsRequest request, ServerCallContext context) =>
        query.QueryAsync(context.GetCaller(), request, context.CancellationToken);

    public override async Task<ListCellRevisionsResponse> ListCellRevisions(ListCellRevisionsRequest request, ServerCallContext context)
    {
        var v = new FieldViolations();
        var indicator = Identifiers.IsCode(request.IndicatorCode) ? await catalogue.FindAsync(request.IndicatorCode, context.CancellationToken) : null;
        if (indicator is null)
        {
            v.Add("indicator_code", "Not an indicator of the catalogue (see ListIndicators).").ThrowIfAny();
        }
        var (kind, from, to) = StatisticsQuery.CheckRange(v, indicator!, request.FromPeriod, request.ToPeriod, exact: true);
        Paging.CheckPageSize(v, request.PageSize, StatisticsQuery.MaxPageSize);
        var fingerprint = StatisticsQuery.Fingerprint(request);
        var after = StatisticsQuery.DecodeKey(v, "revisions", request.PageToken, fingerprint);
        v.ThrowIfAny();

        // A page of the caller's cells, every version, each with all the values it has had.
        var size = Paging.Size(request.PageSize, 1000);
        var range = new CellRange(from.Year, from.Number, to.Year, to.Number, [], new Dictionary<string, HashSet<string>>());
        var cells = await store.OwnCellsPageAsync(context.GetCaller().AuthorityId, indicator!.Code, version: null, range, after, size + 1, context.CancellationToken);
        var page = cells.Take(size).ToList();
        var earlier = await store.EarlierValuesAsync([.. page.Select(c => c.Id)], context.CancellationToken);
        var response = new ListCellRevisionsResponse();
        foreach (var c in page)
        {
            Cell Value(long count) => new()
            {
                IndicatorCode = c.IndicatorCode,
                Period = new Period { Type = kind.ToWire(), Year = c.Year, Number = c.PeriodNumber },
                AreaCode = c.AreaCode,
                Dimensions = { StoredDimensions.Parse(c.Dimensions).Select(p => new DimensionValue { Dimension = p.Code, Value = p.Value }) },
                Count = count,
            };
            foreach (var r in earlier[c.Id])
            {
                response.Revisions.Add(new CellRevision
                {
                    Cell = Value(r.Count),
                    SubmissionId = r.SubmissionId,
                    ReportedAt = Timestamp.FromDateTimeOffset(r.ReportedAt),
                    ReplacedAt = Timestamp.FromDateTimeOffset(r.ReplacedAt),
                    ReplacedBySubmissionId = r.ReplacedBySubmissionId,
                    DefinitionVersion = c.DefinitionVersion,
                });
            }
            response.Revisions.Add(new CellRevision
            {
                Cell = Value(c.Count),
                SubmissionId = c.SubmissionId,
                ReportedAt = Timestamp.FromDateTimeOffset(c.ReportedAt),
                DefinitionVersion = c.DefinitionVersion,
            });
        }
        if (cells.Count > size)
        {
            response.NextPageToken = StatisticsQuery.EncodeKey("revisions", fingerprint, page[^1]);
        }
        return response;
    }

    private async Task<StoredSubmission> StoreAsync(ServerCallContext context, string requestId, List<ReportedCell> cells)
    {
        var stored = await store.StoreAsync(context.GetCaller().AuthorityId, requestId, cells, context.CancellationToken);
        if (!stored.Replayed)
        {
            tables.Refresh(cells.Select(c => (c.Key.IndicatorCode, c.Key.DefinitionVersion, c.Key.Year, c.Key.AreaCode[..2])));
        }
        return stored;
    }

    private async Task<CellRules> RulesAsync(ServerCallContext context) =>
        new(await catalogue.AllAsync(context.CancellationToken), context.GetCaller(), Periods.TodayInSweden(time));

    private static SubmissionResult ToProto(StoredSubmission s) => new()
    {
        SubmissionId = s.SubmissionId,
        CellCount = s.CellCount,
        ReplacedCount = s.ReplacedCount,
        Replayed = s.Replayed,
        ReceivedAt = Timestamp.FromDateTimeOffset(s.ReceivedAt),
    };
}
