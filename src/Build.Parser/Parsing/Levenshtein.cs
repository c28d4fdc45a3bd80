namespace Build.Parser.Parsing;

/// <summary>Edit distance for "did you mean" suggestions.</summary>
internal static class Levenshtein
{
    /// <summary>
    /// Edit distance where swapping two adjacent characters counts as one edit (optimal string alignment):
    /// "form" is one typo away from "from", not two.
    /// </summary>
    public static int Distance(string a, string b)
    {
        Span<int> twoBack = stackalloc int[b.Length + 1];
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
                int d = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d = Math.Min(d, twoBack[j - 2] + 1);
                current[j] = d;
            }
            previous.CopyTo(twoBack);
            current.CopyTo(previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// The closest candidate within a third of the word's length (at least 1), or null: "RUNN" suggests RUN and
    /// "workdri" WORKDIR, but "FOO" is not close enough to anything to be a typo of it.
    /// </summary>
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
        return bestDistance <= Math.Max(1, word.Length / 3) ? best : null;
    }
}
