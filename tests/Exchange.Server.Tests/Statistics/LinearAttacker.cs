using Google.OrTools.LinearSolver;

namespace Exchange.Server.Tests.Statistics;

/// <summary>What a reader saw of one published cell: the reported leaves it sums, its status and, when free, its count.</summary>
public sealed record SeenCell(IReadOnlyList<string> Leaves, SeenStatus Status, long? Count);

public enum SeenStatus
{
    Free,
    Primary,
    Hidden,
}

/// <summary>
/// The attacker of the disclosure-control issue: every published count is an equality over the
/// reported leaves it sums, every "A" a bound of 1 … threshold − 1, every leaf at least 0; a real LP
/// solver (Google.OrTools' GLOP) then finds the least and the greatest each cell can be.
/// </summary>
public sealed class LinearAttacker : IDisposable
{
    private readonly Solver solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available.");
    private readonly Dictionary<string, Variable> leaves = new(StringComparer.Ordinal);

    public LinearAttacker(IEnumerable<SeenCell> seen, int threshold)
    {
        foreach (var cell in seen)
        {
            var (lower, upper) = cell.Status switch
            {
                SeenStatus.Free => ((double)cell.Count!.Value, (double)cell.Count.Value),
                SeenStatus.Primary => (1d, threshold - 1d),
                _ => (0d, double.PositiveInfinity),
            };
            var constraint = solver.MakeConstraint(lower, upper);
            foreach (var leaf in cell.Leaves)
            {
                constraint.SetCoefficient(Leaf(leaf), 1);
            }
        }
    }

    private Variable Leaf(string key)
    {
        if (!leaves.TryGetValue(key, out var variable))
        {
            leaves[key] = variable = solver.MakeNumVar(0, double.PositiveInfinity, key);
        }
        return variable;
    }

    /// <summary>The least and greatest total of <paramref name="cellLeaves"/> the published system allows.</summary>
    public (double Min, double Max) Range(IReadOnlyList<string> cellLeaves) => (Optimise(cellLeaves, maximise: false), Optimise(cellLeaves, maximise: true));

    private double Optimise(IReadOnlyList<string> cellLeaves, bool maximise)
    {
        var objective = solver.Objective();
        objective.Clear();
        foreach (var leaf in cellLeaves)
        {
            objective.SetCoefficient(Leaf(leaf), 1);
        }
        if (maximise)
        {
            objective.SetMaximization();
        }
        else
        {
            objective.SetMinimization();
        }
        var result = solver.Solve();
        return result switch
        {
            Solver.ResultStatus.OPTIMAL => objective.Value(),
            Solver.ResultStatus.UNBOUNDED => maximise ? double.PositiveInfinity : double.NegativeInfinity,
            _ => throw new InvalidOperationException($"The published system has no solution ({result}): published counts contradict each other."),
        };
    }

    public void Dispose() => solver.Dispose();
}
