using Exchange.Server.Validation;
using Exchange.V1;
using Grpc.Core;

namespace Exchange.Server.Statistics;

/// <summary>
/// StatisticsService on the wire. Access is enforced before any method runs (see AccessInterceptor);
/// submission, upload and query are the statistics issue's work and answer UNIMPLEMENTED until then.
/// </summary>
[BindServiceMethod(typeof(StatisticsGrpcService), nameof(BindService))]
public sealed class StatisticsGrpcService(IndicatorCatalogue catalogue) : StatisticsService.StatisticsServiceBase
{
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

    public override Task<SubmitStatisticsResponse> SubmitStatistics(SubmitStatisticsRequest request, ServerCallContext context) =>
        throw NotYet();

    public override Task<UploadStatisticsResponse> UploadStatistics(IAsyncStreamReader<UploadStatisticsRequest> requestStream, ServerCallContext context) =>
        throw NotYet();

    public override Task<QueryStatisticsResponse> QueryStatistics(QueryStatisticsRequest request, ServerCallContext context) =>
        throw NotYet();

    private static RpcException NotYet() => new(new Status(StatusCode.Unimplemented, "Statistics submission and queries are not available on this server yet."));
}
