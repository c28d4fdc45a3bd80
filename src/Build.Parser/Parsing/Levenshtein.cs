namespace Build.Parser.Parsing;

/// <summary>Edit distance, for "did you mean" suggestions.</summary>
internal static class Levenshtein
{
    public static int Distance(string a, string b)
    {
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            current.CopyTo(previous);
        }
        return previous[b.Length];
    }

    /// <summary>The closest candidate within a small distance (at most 2, and less than the word's length), or null.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        if (word.Length > 64)
            return null;
        string lower = word.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (candidate.Length > 64)
                continue;
            int d = Distance(lower, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= 2 && bestDistance < word.Length ? best : null;
    }
}
