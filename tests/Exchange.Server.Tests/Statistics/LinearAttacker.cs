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
    private int solves;

    /// <summary>Far above any count of the tests' registers.</summary>
    public const double Cap = 1e5;

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
            // Bounded far above any count, so that a cell without an upper bound comes out at the cap
            // rather than as an unbounded problem, which GLOP can report as infeasible.
            leaves[key] = variable = solver.MakeNumVar(0, Cap, key);
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
        solves++;
        return result switch
        {
            Solver.ResultStatus.OPTIMAL => objective.Value(),
            Solver.ResultStatus.UNBOUNDED => maximise ? double.PositiveInfinity : double.NegativeInfinity,
            _ => throw new InvalidOperationException($"The published system has no solution ({result}) after {solves} solves of {leaves.Count} leaves: published counts contradict each other."),
        };
    }

    public void Dispose() => solver.Dispose();
}
