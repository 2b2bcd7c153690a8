namespace Exchange.Server.Statistics.Disclosure;

/// <summary>
/// Chooses what may be published of a whole protected table at once, against a reader who asks every
/// query the API allows and solves the linear system of everything published.
/// <list type="number">
/// <item>Primary: a count from 1 to threshold − 1 is "A", unless a total it lies in is itself such a
/// small count; every cell inside an "A" total is "D" (zeros included), so that no set of "A" statuses
/// can pin a count by itself (four "A" cells inside an "A" total of at most four would each be 1).</item>
/// <item>Secondary: for every "A" cell, a proof that the published system lets it take every value
/// from 1 to threshold − 1 — an explicit change of the hidden counts that moves it there while every
/// published count stays as it is and every status stays true. First sought as a sum of hypercubes
/// (the cell, a sibling in each dimension or the totals above it, alternating signs) among cells
/// already hidden, which costs nothing; otherwise as the cheapest change over the whole table, a
/// linear program (<see cref="LinearProof"/>), and each published cell it changes is hidden ("D").
/// Every small count hidden inside an "A" total gets such a proof for a move of one.</item>
/// </list>
/// Suppressions only ever hide more, which never invalidates an earlier proof. If a proof cannot be
/// found for some cell the table is withheld as a whole. Deterministic: the same counts give the
/// same pattern.
/// </summary>
public static class DisclosureControl
{
    private const int SiblingsTried = 3;
    private const int DescentsTried = 48;

    // Up to this many unknowns, one linear program over the whole table serves every proof.
    private const int WholeTableUnknowns = 2000;

    /// <param name="dimensions">The period, the area and the indicator's dimensions.</param>
    /// <param name="leaves">The reported counts, by leaf node of each dimension; repeated leaves add up.</param>
    /// <param name="threshold">Counts from 1 to threshold − 1 are small.</param>
    /// <param name="maxCrossed">
    /// How many of the indicator's own dimensions a published cell may break down at once: finer cells
    /// are never published, and serve only as hidden counts the proofs may move.
    /// </param>
    public static ProtectedTable Protect(Hierarchy[] dimensions, IEnumerable<(int[] Leaves, long Count)> leaves, int threshold, int maxCrossed = int.MaxValue)
    {
        var size = dimensions.Aggregate(1, (s, d) => checked(s * d.Count));
        var values = new long[size];
        var status = new Disclosure[size];
        var table = new ProtectedTable(dimensions, values, status, threshold, withheld: false);
        foreach (var (nodes, count) in leaves)
        {
            values[table.Index(nodes)] += count;
        }
        Aggregate(table);
        var search = new Search(table, maxCrossed);
        var withheld = !search.Run();
        return withheld ? new ProtectedTable(dimensions, values, status, threshold, withheld: true) : table;
    }

    private static void Aggregate(ProtectedTable table)
    {
        var values = table.Values;
        for (var d = 0; d < table.Dimensions.Length; d++)
        {
            var dim = table.Dimensions[d];
            var stride = table.Strides[d];
            var block = stride * dim.Count;
            foreach (var node in dim.BottomUp)
            {
                var parent = dim.Parent[node];
                if (parent < 0)
                {
                    continue;
                }
                for (var outer = 0; outer < values.Length; outer += block)
                {
                    var from = outer + node * stride;
                    var to = outer + parent * stride;
                    for (var inner = 0; inner < stride; inner++)
                    {
                        values[to + inner] += values[from + inner];
                    }
                }
            }
        }
    }

    private sealed class Search(ProtectedTable table, int maxCrossed)
    {

        private readonly Hierarchy[] dims = table.Dimensions;
        private readonly long[] values = table.Values;
        private readonly Disclosure[] status = table.Status;
        private readonly int threshold = table.Threshold;
        private readonly int[] levelSum = new int[table.Size];
        private readonly byte[] crossed = new byte[table.Size];
        private int[][] nonZeroLeaves = [];
        private LinearProof? wholeTable;
        private int[] unknowns = [];
        private int[][] unknownNodes = [];
        private bool margins;

        // Hiding a cell costs more the coarser it is and the larger its count: readers want the
        // county's and the year's totals, and large counts, most.
        private double Cost(int cell) => Math.Pow(1 + levelSum[cell], 2) * Math.Sqrt(1 + values[cell]);

        private bool IsSmall(long v) => v >= 1 && v < threshold;

        public bool Run()
        {
            var order = ClassifyPrimary();
            var leaves = new List<int[]>();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] != 0 && levelSum[i] == 0)
                {
                    var nodes = new int[dims.Length];
                    table.Nodes(i, nodes);
                    leaves.Add(nodes);
                }
            }
            nonZeroLeaves = [.. leaves];
            (unknowns, margins) = LinearProof.UnknownsOf(table, maxCrossed);
            unknownNodes = [.. unknowns.Select(u => { var n = new int[dims.Length]; table.Nodes(u, n); return n; })];
            using var whole = unknowns.Length <= WholeTableUnknowns ? new LinearProof(table, unknowns, margins, Cost) : null;
            wholeTable = whole;

            // The "A" cells first, coarsest first: their proofs hide the most, and later ones reuse it.
            // An "A" whose range the published system would narrow however much is hidden around it is
            // shown as "D" instead: hidden, anything from 0, which tells less than "A" and binds no other proof.
            foreach (var cell in order.Where(i => status[i] == Disclosure.Primary))
            {
                var v = values[cell];
                if ((v < threshold - 1 && !ProveAgainstInsiders(cell, +1, threshold - 1 - v)) || (v > 1 && !ProveAgainstInsiders(cell, -1, v - 1)))
                {
                    status[cell] = Disclosure.Secondary;
                }
            }
            // A small count shown as "D" must not be pinned by the published system either. Where the
            // "A" totals around it leave it no room, they are shown as "D" too, and need the same proof.
            var pending = new Queue<int>(order.Where(i => status[i] == Disclosure.Secondary && IsSmall(values[i])));
            var proven = new HashSet<int>();
            while (pending.TryDequeue(out var cell))
            {
                if (!proven.Add(cell) || ProveAgainstInsiders(cell, -1, 1) || ProveAgainstInsiders(cell, +1, 1))
                {
                    continue;
                }
                foreach (var ancestor in Ancestors(cell).Where(a => status[a] == Disclosure.Primary))
                {
                    status[ancestor] = Disclosure.Secondary;
                    pending.Enqueue(ancestor);
                }
                if (!ProveAgainstInsiders(cell, -1, 1) && !ProveAgainstInsiders(cell, +1, 1))
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>The cells that contain <paramref name="cell"/>, itself excluded.</summary>
        private IEnumerable<int> Ancestors(int cell)
        {
            var nodes = new int[dims.Length];
            table.Nodes(cell, nodes);
            return Containing(nodes).Where(c => c != cell);
        }

        /// <summary>Marks the primary pattern; returns all cells, coarsest first.</summary>
        private int[] ClassifyPrimary()
        {
            var nodes = new int[dims.Length];
            for (var i = 0; i < values.Length; i++)
            {
                table.Nodes(i, nodes);
                var sum = 0;
                for (var d = 0; d < dims.Length; d++)
                {
                    sum += dims[d].Level[nodes[d]];
                    if (d >= 2 && nodes[d] != dims[d].Root)
                    {
                        crossed[i]++;
                    }
                }
                levelSum[i] = sum;
            }
            var order = Enumerable.Range(0, values.Length).OrderByDescending(i => levelSum[i]).ThenBy(i => i).ToArray();
            var inside = new bool[values.Length];
            foreach (var i in order)
            {
                table.Nodes(i, nodes);
                for (var d = 0; d < dims.Length && !inside[i]; d++)
                {
                    var parent = dims[d].Parent[nodes[d]];
                    if (parent >= 0)
                    {
                        var p = i + (parent - nodes[d]) * table.Strides[d];
                        inside[i] = status[p] == Disclosure.Primary || inside[p];
                    }
                }
                status[i] = crossed[i] > maxCrossed ? Disclosure.NotPublished
                    : inside[i] ? Disclosure.Secondary : IsSmall(values[i]) ? Disclosure.Primary : Disclosure.Free;
            }
            return order;
        }

        // Kommuner whose reported counts a proof may not change, and those the last proof changed.
        private HashSet<int>? avoid;
        private readonly HashSet<int> touched = [];

        /// <summary>
        /// Proves the move twice where the table is by kommun: a municipality that reads knows its own
        /// counts exactly, so for each kommun there must be a proof that leaves its counts alone. The
        /// second proof avoids every kommun the first one changed (the cell's own excepted: its
        /// reporter knows it anyway), so every reader but the cell's own has one it cannot see through.
        /// </summary>
        private bool ProveAgainstInsiders(int cell, int direction, long amount)
        {
            if (!Prove(cell, direction, amount))
            {
                return false;
            }
            var area = dims[1];
            if (area.Leaves.Length < 2)
            {
                return true;
            }
            var own = cell / table.Strides[1] % area.Count;
            var changed = touched.Where(a => a != own).ToHashSet();
            if (changed.Count == 0)
            {
                return true;
            }
            avoid = changed;
            try
            {
                return Prove(cell, direction, amount);
            }
            finally
            {
                avoid = null;
            }
        }

        private bool Avoided(int leafCell) => avoid is not null && avoid.Contains(leafCell / table.Strides[1] % dims[1].Count);

        /// <summary>
        /// Finds a change of hidden counts moving <paramref name="cell"/> by <paramref name="amount"/> in
        /// <paramref name="direction"/> with everything published unchanged, and hides what it touches.
        /// First from cells already hidden; only then hiding more.
        /// </summary>
        private bool Prove(int cell, int direction, long amount)
        {
            var nodes = new int[dims.Length];
            table.Nodes(cell, nodes);
            // Only leaves that hold a count within the cell's hypercube (its node's parent in every
            // dimension) can give to a change.
            var block = nonZeroLeaves.Where(leaf => Enumerable.Range(0, dims.Length).All(d =>
                dims[d].IsWithin(leaf[d], dims[d].Parent[nodes[d]] is var p and >= 0 ? p : nodes[d]))).ToArray();
            var choices = Choices(cell).ToList();
            // Already hidden cells first: a proof among them costs nothing.
            if (Gather(cell, nodes, block, choices, direction, amount) is { } free)
            {
                Hide(free.Where(c => c.Value != 0).Select(c => c.Key));
                return true;
            }
            // Otherwise the cheapest change: over the whole table where it is small, else around the cell.
            using var around = wholeTable is null ? new LinearProof(table, Around(nodes), margins, Cost) : null;
            if ((wholeTable ?? around)!.Prove(cell, direction, amount, avoid) is not { } found)
            {
                return false;
            }
            Hide(found.Changed);
            touched.UnionWith(found.Areas);
            return true;
        }

        /// <summary>
        /// The unknowns under the cell and under its largest siblings in each dimension (every value of
        /// the indicator's dimensions where the unknowns are margins): where proofs of large tables
        /// are sought, since the linear program over a whole large table takes too long to solve for
        /// every small count.
        /// </summary>
        private int[] Around(int[] nodes)
        {
            var allowed = new HashSet<int>[dims.Length];
            for (var d = 0; d < dims.Length; d++)
            {
                var dim = dims[d];
                var node = nodes[d];
                var parent = dim.Parent[node];
                var cell = table.Index(nodes);
                var siblings = parent < 0 ? [] : dim.Children[parent].Where(s => s != node)
                    .OrderByDescending(s => values[cell + (s - node) * table.Strides[d]]).ThenBy(s => s).Take(SiblingsTried);
                allowed[d] = [.. dim.LeavesUnder[node], .. siblings.SelectMany(s => dim.LeavesUnder[s])];
            }
            return [.. unknowns.Where((_, u) => Enumerable.Range(0, dims.Length).All(d => (margins && d >= 2) || allowed[d].Contains(unknownNodes[u][d])))];
        }

        /// <summary>Every cell that holds the cell at <paramref name="nodes"/>: itself and every total above it.</summary>
        private List<int> Containing(int[] nodes)
        {
            var cells = new List<int> { 0 };
            for (var d = 0; d < dims.Length; d++)
            {
                var stride = table.Strides[d];
                var path = dims[d].PathUp(nodes[d], dims[d].Root);
                cells = [.. cells.SelectMany(c => path.Select(n => c + n * stride))];
            }
            return cells;
        }

        private void Hide(IEnumerable<int> changed)
        {
            touched.Clear();
            foreach (var x in changed)
            {
                if (levelSum[x] == 0)
                {
                    touched.Add(x / table.Strides[1] % dims[1].Count);
                }
                if (status[x] == Disclosure.Free)
                {
                    status[x] = Disclosure.Secondary;
                }
            }
        }

        /// <summary>
        /// Sums hypercubes of the choices, in order, among cells already hidden, until the cell has moved
        /// by the amount; null if it cannot. Far cheaper than the linear program, and where it finds a
        /// proof, that proof hides nothing more.
        /// </summary>
        private Dictionary<int, long>? Gather(int cell, int[] nodes, int[][] block, IEnumerable<int[]> choices, int direction, long amount)
        {
            var change = new Dictionary<int, long>();
            var remaining = amount;
            foreach (var choice in choices)
            {
                // The hypercube's corners lie in every change made with this choice: rule it out cheaply.
                if (Capacity(Support(cell, choice, descent: null), change, direction, remaining) == 0)
                {
                    continue;
                }
                foreach (var descent in Descents(nodes, choice, block))
                {
                    var support = Support(cell, choice, descent);
                    if (avoid is not null && support.Any(x => levelSum[x.Cell] == 0 && Avoided(x.Cell)))
                    {
                        continue;
                    }
                    var step = Capacity(support, change, direction, remaining);
                    if (step == 0)
                    {
                        continue;
                    }
                    foreach (var (x, sign) in support)
                    {
                        change[x] = change.GetValueOrDefault(x) + direction * sign * step;
                    }
                    remaining -= step;
                    if (remaining == 0)
                    {
                        return change;
                    }
                }
            }
            return null;
        }

        private long Capacity(List<(int Cell, int Sign)> support, Dictionary<int, long> change, int direction, long remaining)
        {
            var cap = remaining;
            foreach (var (x, sign) in support)
            {
                if (status[x] == Disclosure.Free)
                {
                    return 0;
                }
                var current = values[x] + change.GetValueOrDefault(x);
                if (direction * sign < 0)
                {
                    cap = Math.Min(cap, current - (status[x] == Disclosure.Primary ? 1 : 0));
                }
                else if (status[x] == Disclosure.Primary)
                {
                    cap = Math.Min(cap, threshold - 1 - current);
                }
                if (cap <= 0)
                {
                    return 0;
                }
            }
            return cap;
        }

        /// <summary>
        /// Per dimension: a sibling of the cell's node (the hypercube's other side), or -1 to climb —
        /// change the totals above it instead. Cheapest climbs first, then the largest siblings.
        /// </summary>
        private IEnumerable<int[]> Choices(int cell)
        {
            var nodes = new int[dims.Length];
            table.Nodes(cell, nodes);
            var options = new int[dims.Length][];
            for (var d = 0; d < dims.Length; d++)
            {
                var dim = dims[d];
                var parent = dim.Parent[nodes[d]];
                if (parent < 0)
                {
                    options[d] = [-1];
                    continue;
                }
                var stride = table.Strides[d];
                var node = nodes[d];
                var siblings = dim.Children[parent].Where(s => s != node)
                    .OrderByDescending(s => values[cell + (s - node) * stride]).ThenBy(s => s).Take(SiblingsTried);
                options[d] = [.. siblings, -1];
            }
            var all = new List<(int[] Choice, int Climbs, int Rank)>();
            var current = new int[dims.Length];
            void Walk(int d, int climbs, int rank)
            {
                if (d == dims.Length)
                {
                    all.Add(((int[])current.Clone(), climbs, rank));
                    return;
                }
                for (var k = 0; k < options[d].Length; k++)
                {
                    current[d] = options[d][k];
                    var voluntary = options[d][k] < 0 && options[d].Length > 1;
                    // Climbing the period or the area hides totals over time or the county, which
                    // readers want most; climbing one of the indicator's dimensions hides less.
                    Walk(d + 1, climbs + (voluntary ? (d < 2 ? 4 : 1) : 0), rank + (voluntary ? 0 : k));
                }
            }
            Walk(0, 0, 0);
            return all.OrderBy(c => c.Climbs).ThenBy(c => c.Rank).Select(c => c.Choice);
        }

        /// <summary>
        /// Where the change reaches the reported leaves, in the dimensions in which the cell is a total:
        /// taken from leaves that hold a count inside the cell's hypercube, since only they can give.
        /// </summary>
        private IEnumerable<int[]> Descents(int[] nodes, int[] choice, int[][] block)
        {
            var needs = Enumerable.Range(0, dims.Length).Where(d => dims[d].Level[nodes[d]] > 0).ToArray();
            if (needs.Length == 0)
            {
                yield return [];
                yield break;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var found = 0;
            foreach (var leaf in block)
            {
                var descent = new int[needs.Length];
                var inside = true;
                for (var d = 0; d < dims.Length && inside; d++)
                {
                    var dim = dims[d];
                    var k = Array.IndexOf(needs, d);
                    var own = dim.IsWithin(leaf[d], nodes[d]);
                    var sibling = choice[d] >= 0 && dim.IsWithin(leaf[d], choice[d]);
                    if (k < 0)
                    {
                        inside = own || sibling || (choice[d] < 0 && dim.IsWithin(leaf[d], nodes[d]));
                        continue;
                    }
                    if (!own && !sibling)
                    {
                        inside = false;
                        continue;
                    }
                    var branch = own ? dim.LeavesUnder[nodes[d]] : dim.LeavesUnder[choice[d]];
                    descent[k] = Array.IndexOf(branch, leaf[d]);
                }
                if (inside && seen.Add(string.Join(',', descent)))
                {
                    yield return descent;
                    if (++found == DescentsTried)
                    {
                        yield break;
                    }
                }
            }
        }

        /// <summary>
        /// The cells a change along <paramref name="descent"/> touches, with their signs; without a
        /// descent, only the hypercube's corners (the cell, its siblings and the totals climbed to).
        /// </summary>
        private List<(int Cell, int Sign)> Support(int cell, int[] choice, int[]? descent)
        {
            var nodes = new int[dims.Length];
            table.Nodes(cell, nodes);
            var support = new List<(int, int)> { (0, 1) };
            var k = 0;
            for (var d = 0; d < dims.Length; d++)
            {
                var dim = dims[d];
                var node = nodes[d];
                var deep = descent is not null && dim.Level[node] > 0;
                var position = deep ? descent![k++] : 0;
                var plusLeaf = deep ? dim.LeavesUnder[node][position % dim.LeavesUnder[node].Length] : node;
                var branch = new List<(int Node, int Sign)>();
                if (choice[d] < 0)
                {
                    branch.AddRange(dim.PathUp(plusLeaf, dim.Root).Select(n => (n, 1)));
                }
                else
                {
                    var sibling = choice[d];
                    var minusLeaf = deep ? dim.LeavesUnder[sibling][position % dim.LeavesUnder[sibling].Length] : sibling;
                    branch.AddRange(dim.PathUp(plusLeaf, node).Select(n => (n, 1)));
                    branch.AddRange(dim.PathUp(minusLeaf, sibling).Select(n => (n, -1)));
                }
                var stride = table.Strides[d];
                var next = new List<(int, int)>(support.Count * branch.Count);
                foreach (var (index, sign) in support)
                {
                    foreach (var (n, s) in branch)
                    {
                        next.Add((index + n * stride, sign * s));
                    }
                }
                support = next;
            }
            return support;
        }
    }
}
