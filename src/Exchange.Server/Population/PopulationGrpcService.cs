using Exchange.Server.Authorization;
using Exchange.Server.Storage;
using Exchange.Server.Validation;
using Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Population;

/// <summary>PopulationService on the wire: validates with <see cref="PopulationRules"/>, calls <see cref="PopulationTable"/>, maps back.</summary>
[BindServiceMethod(typeof(PopulationGrpcService), nameof(BindService))]
public sealed class PopulationGrpcService(PopulationTable table) : PopulationService.PopulationServiceBase
{
    public static void BindService(ServiceBinderBase binder, PopulationService.PopulationServiceBase service) =>
        PopulationService.BindService(new MalformedMessageBinder(binder), service);

    public override async Task<ImportPopulationResponse> ImportPopulation(ImportPopulationRequest request, ServerCallContext context)
    {
        var (figures, violations) = PopulationRules.Import(request);
        violations.ThrowIfAny();
        var result = await table.ImportAsync(figures, request.Source, context.GetCaller().AuthorityId, context.CancellationToken);
        return new ImportPopulationResponse { FigureCount = result.FigureCount, ReplacedCount = result.ReplacedCount };
    }

    public override async Task<ListPopulationResponse> ListPopulation(ListPopulationRequest request, ServerCallContext context)
    {
        PopulationRules.List(request).ThrowIfAny();
        var figures = await table.ListAsync([.. request.AreaCodes.Distinct()], request.FromYear, request.ToYear, context.CancellationToken);
        return new ListPopulationResponse { Figures = { figures.Select(ToProto) } };
    }

    private static PopulationFigure ToProto(PopulationFigureEntity p) => new()
    {
        AreaCode = p.AreaCode,
        Year = p.Year,
        Inhabitants = p.Inhabitants,
        Source = p.Source,
        Demo = p.Demo,
        ImportedAt = Timestamp.FromDateTimeOffset(p.ImportedAt),
    };
}
