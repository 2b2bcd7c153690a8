using Google.OrTools.LinearSolver;

namespace Exchange.Server.Statistics.Disclosure;

/// <summary>
/// Finds the proof for one small count as a linear program over the whole table, where no hypercube
/// among the cells already hidden will do: a change of the reported leaves that moves the cell by the
/// amount, keeps every "A" within 1 … threshold − 1 and every leaf at least 0, and changes the fewest
/// and cheapest published counts — those it changes are then hidden. Unlike a hypercube, the change
/// may spread over many leaves in many corners, which is what sparse registers need: a sibling rarely
/// holds a count at exactly the same coordinates. The same reader's system the attacker solves, seen
/// from the other side: a change is a point of it other than the true counts.
/// </summary>
internal sealed class LinearProof : IDisposable
{
    // Changes below this are the solver's rounding: a cell is changed, and hidden, only above it. Far
    // below the margin the attacker's test allows, and far above GLOP's tolerances.
    private const double Changed = 1e-7;

    // A leaf's change costs a little, so that of two proofs hiding the same the one touching fewer
    // kommuner wins: the proof against insiders must then avoid fewer of them.
    private const double LeafCost = 1e-4;

    private readonly Solver solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available.");
    private readonly ProtectedTable table;
    private readonly int[] unknowns;
    private readonly Variable[] up;
    private readonly Variable[] down;
    private readonly int[] areaOf;
    private readonly Dictionary<int, Constraint> rows = [];
    private readonly Dictionary<int, (Variable Plus, Variable Minus)> slack = [];
    private readonly Dictionary<int, Disclosure> synced = [];

    /// <summary>
    /// The cells whose counts a reader's system leaves unknown: the reported leaves, or, where a
    /// published cell breaks down one flat dimension at most, the margins of each kommun and period.
    /// There, any margins that are at least 0 and agree on each total are those of some table of
    /// reported cells (e.g. their product over the total), so the reader can tell no more than the
    /// margins — a small fraction of the reported cells.
    /// </summary>
    public static (int[] Unknowns, bool Margins) UnknownsOf(ProtectedTable table, int maxCrossed)
    {
        var dims = table.Dimensions;
        var margins = maxCrossed == 1 && dims.Length > 3 && dims.Skip(2).All(d => d.Leaves.All(l => d.Parent[l] == d.Root));
        var nodes = new int[dims.Length];
        var found = new List<int>();
        for (var i = 0; i < table.Size; i++)
        {
            table.Nodes(i, nodes);
            var leaves = 0;
            var totals = 0;
            for (var d = 0; d < dims.Length; d++)
            {
                leaves += dims[d].Level[nodes[d]] == 0 ? 1 : 0;
                totals += d >= 2 && nodes[d] == dims[d].Root ? 1 : 0;
            }
            if (margins ? dims[0].Level[nodes[0]] == 0 && dims[1].Level[nodes[1]] == 0 && totals >= dims.Length - 3 : leaves == dims.Length)
            {
                found.Add(i);
            }
        }
        return ([.. found], margins);
    }

    /// <param name="table">The table, its primary pattern marked; its statuses are read again before every proof.</param>
    /// <param name="unknowns">
    /// The unknowns a proof may change (see <see cref="UnknownsOf"/>), all or some: the others stay as
    /// they are, so a proof among some is a proof among all.
    /// </param>
    /// <param name="margins">Whether the unknowns are margins rather than reported leaves.</param>
    /// <param name="cost">What hiding a published cell costs.</param>
    public LinearProof(ProtectedTable table, int[] unknowns, bool margins, Func<int, double> cost)
    {
        this.table = table;
        this.unknowns = unknowns;
        // Without presolve, GLOP keeps its basis between proofs: only bounds change from one to the next.
        solver.SetSolverSpecificParametersAsString("use_preprocessing: false");
        var dims = table.Dimensions;
        var nodes = new int[dims.Length];
        up = new Variable[unknowns.Length];
        down = new Variable[unknowns.Length];
        areaOf = new int[unknowns.Length];
        var objective = solver.Objective();
        objective.SetMinimization();
        for (var u = 0; u < unknowns.Length; u++)
        {
            var cell = unknowns[u];
            up[u] = solver.MakeNumVar(0, double.PositiveInfinity, "");
            down[u] = solver.MakeNumVar(0, table.Values[cell], "");
            objective.SetCoefficient(up[u], LeafCost);
            objective.SetCoefficient(down[u], LeafCost);
            table.Nodes(cell, nodes);
            areaOf[u] = nodes[1];
            IEnumerable<int> holding = [0];
            for (var d = 0; d < dims.Length; d++)
            {
                var stride = table.Strides[d];
                var path = margins && d >= 2 ? [nodes[d]] : dims[d].PathUp(nodes[d], dims[d].Root);
                holding = [.. holding.SelectMany(c => path.Select(n => c + n * stride))];
            }
            foreach (var holder in holding)
            {
                if (table.Status[holder] == Disclosure.NotPublished)
                {
                    continue;
                }
                var row = Row(holder, cost);
                row.SetCoefficient(up[u], 1);
                row.SetCoefficient(down[u], -1);
            }
        }
        if (margins)
        {
            // Each dimension's margin adds up to the same total of its kommun and period; margins
            // outside the unknowns given stay as they are.
            var parts = new Dictionary<(int Total, int Dimension), List<int>>();
            for (var u = 0; u < unknowns.Length; u++)
            {
                table.Nodes(unknowns[u], nodes);
                var crossed = Enumerable.Range(2, dims.Length - 2).FirstOrDefault(d => nodes[d] != dims[d].Root);
                var total = crossed == 0 ? unknowns[u] : unknowns[u] + (dims[crossed].Root - nodes[crossed]) * table.Strides[crossed];
                foreach (var d in crossed == 0 ? Enumerable.Range(2, dims.Length - 2) : [crossed])
                {
                    if (!parts.TryGetValue((total, d), out var list))
                    {
                        parts[(total, d)] = list = [];
                    }
                    list.Add(u);
                }
            }
            foreach (var ((total, _), list) in parts)
            {
                var agree = solver.MakeConstraint(0, 0, "");
                foreach (var u in list)
                {
                    var sign = unknowns[u] == total ? -1 : 1;
                    agree.SetCoefficient(up[u], sign);
                    agree.SetCoefficient(down[u], -sign);
                }
            }
        }
    }

    private Constraint Row(int cell, Func<int, double> cost)
    {
        if (rows.TryGetValue(cell, out var row))
        {
            return row;
        }
        rows[cell] = row = solver.MakeConstraint(double.NegativeInfinity, double.PositiveInfinity, "");
        if (table.Status[cell] == Disclosure.Free)
        {
            // A free count may change only by hiding it: the change shows in its slack, at its cost.
            var plus = solver.MakeNumVar(0, double.PositiveInfinity, "");
            var minus = solver.MakeNumVar(0, double.PositiveInfinity, "");
            row.SetCoefficient(plus, -1);
            row.SetCoefficient(minus, 1);
            solver.Objective().SetCoefficient(plus, cost(cell));
            solver.Objective().SetCoefficient(minus, cost(cell));
            slack[cell] = (plus, minus);
        }
        Sync(cell);
        return row;
    }

    /// <summary>Bounds a cell's change by what its status tells a reader: free unchanged, "A" within range, hidden anything.</summary>
    private void Sync(int cell)
    {
        var status = table.Status[cell];
        var value = table.Values[cell];
        var (lower, upper) = status switch
        {
            Disclosure.Free => (0d, 0d),
            Disclosure.Primary => (1d - value, table.Threshold - 1d - value),
            _ => (double.NegativeInfinity, double.PositiveInfinity),
        };
        rows[cell].SetBounds(lower, upper);
        synced[cell] = status;
    }

    /// <summary>
    /// A change moving <paramref name="cell"/> by <paramref name="amount"/> in <paramref name="direction"/>,
    /// leaving the leaves of the <paramref name="avoided"/> kommuner alone; null if none exists.
    /// Returns the published cells it changes and the kommuner whose reported counts it moves.
    /// </summary>
    public (List<int> Changed, HashSet<int> Areas)? Prove(int cell, int direction, long amount, IReadOnlySet<int>? avoided)
    {
        foreach (var (c, status) in synced.ToList())
        {
            if (table.Status[c] != status)
            {
                Sync(c);
            }
        }
        if (!rows.TryGetValue(cell, out var target))
        {
            return null;
        }
        target.SetBounds(direction * amount, direction * amount);
        if (avoided is not null)
        {
            for (var l = 0; l < unknowns.Length; l++)
            {
                if (avoided.Contains(areaOf[l]))
                {
                    up[l].SetUb(0);
                    down[l].SetUb(0);
                }
            }
        }
        try
        {
            if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
            {
                return null;
            }
            var changed = slack.Where(s => s.Value.Plus.SolutionValue() + s.Value.Minus.SolutionValue() > Changed).Select(s => s.Key).ToList();
            var areas = Enumerable.Range(0, unknowns.Length).Where(u => up[u].SolutionValue() + down[u].SolutionValue() > Changed).Select(u => areaOf[u]).ToHashSet();
            return (changed, areas);
        }
        finally
        {
            Sync(cell);
            if (avoided is not null)
            {
                for (var l = 0; l < unknowns.Length; l++)
                {
                    up[l].SetUb(double.PositiveInfinity);
                    down[l].SetUb(table.Values[unknowns[l]]);
                }
            }
        }
    }

    public void Dispose() => solver.Dispose();
}
