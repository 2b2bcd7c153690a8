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
/// published count stays as it is and every status stays true. The change is a sum of hypercubes:
/// the cell, a sibling in each dimension (or the totals above it), with alternating signs, so that
/// every total spanning two siblings is unchanged; each cell the change touches is hidden ("D").
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
    private const int ChoicesCompared = 24;

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
            // "A" totals around it leave it no room, they are shown as "D" too.
            foreach (var cell in order.Where(i => status[i] == Disclosure.Secondary && IsSmall(values[i])))
            {
                if (ProveAgainstInsiders(cell, -1, 1) || ProveAgainstInsiders(cell, +1, 1))
                {
                    continue;
                }
                foreach (var ancestor in Ancestors(cell).Where(a => status[a] == Disclosure.Primary))
                {
                    status[ancestor] = Disclosure.Secondary;
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
            if (Gather(cell, nodes, block, choices, direction, amount, hideMore: false) is { } free)
            {
                Hide(free);
                return true;
            }
            // Then the single hypercube that hides the least, a total weighing more the coarser it is:
            // readers want the county's and the year's totals most.
            Dictionary<int, long>? best = null;
            var bestCost = double.MaxValue;
            var tried = 0;
            foreach (var choice in choices)
            {
                if (tried == ChoicesCompared)
                {
                    break;
                }
                if (Capacity(Support(cell, choice, descent: null), [], direction, amount, hideMore: true) == 0)
                {
                    continue;
                }
                tried++;
                foreach (var change in new[] { Gather(cell, nodes, block, [choice], direction, amount, hideMore: true), GatherLoose(nodes, block, choice, direction, amount) })
                {
                    if (change is null)
                    {
                        continue;
                    }
                    var cost = change.Where(c => c.Value != 0 && status[c.Key] == Disclosure.Free).Sum(c => Math.Pow(1 + levelSum[c.Key], 3));
                    if (cost < bestCost)
                    {
                        (best, bestCost) = (change, cost);
                    }
                }
            }
            // Last, several hypercubes together.
            best ??= Gather(cell, nodes, block, choices, direction, amount, hideMore: true);
            if (best is null)
            {
                return false;
            }
            Hide(best);
            return true;
        }

        /// <summary>
        /// A hypercube whose corners reach the reported leaves each where it holds a count, not all
        /// at the same coordinates: sparse registers rarely have counts at the same place in every
        /// corner. Every published cell holding an unbalanced set of the chosen leaves then changes,
        /// and is hidden; the cost decides whether that beats an aligned hypercube.
        /// </summary>
        private Dictionary<int, long>? GatherLoose(int[] nodes, int[][] block, int[] choice, int direction, long amount)
        {
            var corners = new List<(int[] Nodes, int Sign)> { ((int[])nodes.Clone(), 1) };
            for (var d = 0; d < dims.Length; d++)
            {
                if (choice[d] >= 0)
                {
                    corners.AddRange(corners.Select(c => { var n = (int[])c.Nodes.Clone(); n[d] = choice[d]; return (n, -c.Sign); }).ToList());
                }
            }
            var inside = corners.Select(c => block.Where(l => !Avoided(table.Index(l)) && Enumerable.Range(0, dims.Length).All(d => dims[d].IsWithin(l[d], c.Nodes[d]))).ToArray()).ToArray();
            var change = new Dictionary<int, long>();
            var remaining = amount;
            var own = inside[0].OrderByDescending(l => values[table.Index(l)]).ToList();
            foreach (var anchor in own.Count > 0 ? own : [FirstLeaf(nodes, null)])
            {
                if (Avoided(table.Index(anchor)))
                {
                    continue;
                }
                var leaves = new int[corners.Count][];
                leaves[0] = anchor;
                for (var k = 1; k < corners.Count; k++)
                {
                    var decreasing = corners[k].Sign * direction < 0;
                    // Where the corner must give, a leaf holding a count; alike the anchor where possible.
                    leaves[k] = inside[k]
                        .Where(l => !decreasing || values[table.Index(l)] + change.GetValueOrDefault(table.Index(l)) > 0)
                        .OrderByDescending(l => Enumerable.Range(0, dims.Length).Count(d => l[d] == anchor[d]))
                        .ThenByDescending(l => values[table.Index(l)]).ThenBy(l => table.Index(l))
                        .FirstOrDefault() ?? (decreasing ? null! : FirstLeaf(corners[k].Nodes, anchor));
                    if (leaves[k] is null || Avoided(table.Index(leaves[k])))
                    {
                        return null;
                    }
                }
                var unit = new Dictionary<int, int>();
                for (var k = 0; k < corners.Count; k++)
                {
                    foreach (var x in Containing(leaves[k]))
                    {
                        unit[x] = unit.GetValueOrDefault(x) + corners[k].Sign;
                    }
                }
                var step = remaining;
                foreach (var (x, weight) in unit)
                {
                    if (weight == 0)
                    {
                        continue;
                    }
                    var current = values[x] + change.GetValueOrDefault(x);
                    var per = Math.Abs(weight);
                    if (direction * weight < 0)
                    {
                        step = Math.Min(step, (current - (status[x] == Disclosure.Primary ? 1 : 0)) / per);
                    }
                    else if (status[x] == Disclosure.Primary)
                    {
                        step = Math.Min(step, (threshold - 1 - current) / per);
                    }
                    if (step <= 0)
                    {
                        break;
                    }
                }
                if (step <= 0)
                {
                    continue;
                }
                foreach (var (x, weight) in unit)
                {
                    if (weight != 0)
                    {
                        change[x] = change.GetValueOrDefault(x) + direction * weight * step;
                    }
                }
                remaining -= step;
                if (remaining == 0)
                {
                    return change;
                }
            }
            return null;
        }

        /// <summary>A leaf under the nodes, at the anchor's coordinates where they lie under them.</summary>
        private int[] FirstLeaf(int[] nodes, int[]? anchor)
        {
            var leaf = new int[dims.Length];
            for (var d = 0; d < dims.Length; d++)
            {
                leaf[d] = anchor is not null && dims[d].IsWithin(anchor[d], nodes[d]) ? anchor[d] : dims[d].LeavesUnder[nodes[d]][0];
            }
            return leaf;
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

        private void Hide(Dictionary<int, long> change)
        {
            touched.Clear();
            foreach (var (x, delta) in change)
            {
                if (delta != 0 && levelSum[x] == 0)
                {
                    touched.Add(x / table.Strides[1] % dims[1].Count);
                }
                if (delta != 0 && status[x] == Disclosure.Free)
                {
                    status[x] = Disclosure.Secondary;
                }
            }
        }

        /// <summary>Sums hypercubes of the choices, in order, until the cell has moved by the amount; null if it cannot.</summary>
        private Dictionary<int, long>? Gather(int cell, int[] nodes, int[][] block, IEnumerable<int[]> choices, int direction, long amount, bool hideMore)
        {
            var change = new Dictionary<int, long>();
            var remaining = amount;
            foreach (var choice in choices)
            {
                // The hypercube's corners lie in every change made with this choice: rule it out cheaply.
                if (Capacity(Support(cell, choice, descent: null), change, direction, remaining, hideMore) == 0)
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
                    var step = Capacity(support, change, direction, remaining, hideMore);
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

        private long Capacity(List<(int Cell, int Sign)> support, Dictionary<int, long> change, int direction, long remaining, bool hideMore)
        {
            var cap = remaining;
            foreach (var (x, sign) in support)
            {
                if (!hideMore && status[x] == Disclosure.Free)
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
