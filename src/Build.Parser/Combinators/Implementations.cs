using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Build.Parser.Combinators;

// The concrete parsers behind Parser<T>'s combinator methods and the Parsers factory. They are internal:
// grammars are written against the combinator API only, so the implementation can change freely.
// Every TryParse is written as a plain loop or call sequence: no LINQ, no closures allocated per call.

internal sealed class EndParser : Parser<Unit>
{
    public override bool TryParse(ref ParseState state, out Unit result)
    {
        result = default;
        if (state.AtEnd)
            return true;
        state.Expected(state.Position, "end of input");
        return false;
    }
}

internal sealed class OffsetParser : Parser<int>
{
    public override bool TryParse(ref ParseState state, out int result)
    {
        result = state.Position;
        return true;
    }
}

internal sealed class CharParser(char expected) : Parser<char>
{
    private readonly string _label = "'" + expected + "'";

    public override bool TryParse(ref ParseState state, out char result)
    {
        if (!state.AtEnd && state.Current == expected)
        {
            state.Position++;
            result = expected;
            return true;
        }
        state.Expected(state.Position, _label);
        result = default;
        return false;
    }
}

internal sealed class StringParser(string text, StringComparison comparison) : Parser<string>
{
    private readonly string _label = "\"" + text + "\"";

    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out string result)
    {
        if (state.Remaining.StartsWith(text, comparison))
        {
            result = comparison == StringComparison.Ordinal ? text : state.Input.Slice(state.Position, text.Length).ToString();
            state.Position += text.Length;
            return true;
        }
        state.Expected(state.Position, _label);
        result = null;
        return false;
    }
}

internal sealed class TokenParser(Func<char, bool> predicate, string label) : Parser<char>
{
    public override bool TryParse(ref ParseState state, out char result)
    {
        if (!state.AtEnd && predicate(state.Current))
        {
            result = state.Current;
            state.Position++;
            return true;
        }
        state.Expected(state.Position, label);
        result = default;
        return false;
    }
}

internal sealed class TakeWhileParser(Func<char, bool> predicate, int minimum, string label) : Parser<TextSlice>
{
    public override bool TryParse(ref ParseState state, out TextSlice result)
    {
        var input = state.Input;
        int start = state.Position, i = start;
        while (i < input.Length && predicate(input[i]))
            i++;
        if (i - start < minimum)
        {
            state.Expected(i, label);
            result = default;
            return false;
        }
        state.Position = i;
        result = new TextSlice(start, i - start);
        return true;
    }
}

internal sealed class ReturnParser<T>(T value) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        result = value;
        return true;
    }
}

internal sealed class FailParser<T>(string label) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        state.Expected(state.Position, label);
        result = default;
        return false;
    }
}

internal sealed class MapParser<T, TResult>(Parser<T> inner, Func<T, TResult> selector) : Parser<TResult>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out TResult result)
    {
        if (inner.TryParse(ref state, out var value))
        {
            result = selector(value)!;
            return true;
        }
        result = default;
        return false;
    }
}

internal sealed class SequenceParser<T1, T2, TResult>(Parser<T1> first, Parser<T2> second, Func<T1, T2, TResult> combine) : Parser<TResult>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out TResult result)
    {
        if (first.TryParse(ref state, out var a) && second.TryParse(ref state, out var b))
        {
            result = combine(a, b)!;
            return true;
        }
        result = default;
        return false;
    }
}

internal sealed class BindParser<T, TNext>(Parser<T> first, Func<T, Parser<TNext>> next) : Parser<TNext>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out TNext result)
    {
        if (first.TryParse(ref state, out var a))
            return next(a).TryParse(ref state, out result);
        result = default;
        return false;
    }
}

internal sealed class OrParser<T>(Parser<T>[] alternatives) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        int start = state.Position;
        foreach (var alternative in alternatives)
        {
            if (alternative.TryParse(ref state, out result))
                return true;
            // Committed: the alternative consumed input before failing, so the input is not "another
            // alternative's" - report this failure rather than a misleading one from a later branch.
            if (state.Position != start)
                return false;
        }
        result = default;
        return false;
    }
}

internal sealed class TryParser<T>(Parser<T> inner) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        int start = state.Position;
        if (inner.TryParse(ref state, out result))
            return true;
        state.Position = start;
        return false;
    }
}

internal sealed class LabelledParser<T>(Parser<T> inner, string label) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        int start = state.Position, errorBefore = state.ErrorOffset, countBefore = state.ExpectedCount;
        if (inner.TryParse(ref state, out result))
            return true;
        if (state.Position == start)
            state.Relabel(start, errorBefore, countBefore, label);
        return false;
    }
}

internal sealed class ManyParser<T>(Parser<T> inner, int minimum) : Parser<IReadOnlyList<T>>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out IReadOnlyList<T> result)
    {
        List<T>? items = null;
        while (true)
        {
            int start = state.Position;
            if (!inner.TryParse(ref state, out var item))
            {
                if (state.Position != start || (items?.Count ?? 0) < minimum)
                {
                    result = null;
                    return false;
                }
                result = (IReadOnlyList<T>?)items ?? [];
                return true;
            }
            (items ??= new List<T>(4)).Add(item);
            // An inner parser that succeeds without consuming would loop forever; stop after one such match.
            if (state.Position == start)
            {
                result = items;
                return true;
            }
        }
    }
}

internal sealed class SkipManyParser<T>(Parser<T> inner, int minimum) : Parser<Unit>
{
    public override bool TryParse(ref ParseState state, out Unit result)
    {
        result = default;
        int count = 0;
        while (true)
        {
            int start = state.Position;
            if (!inner.TryParse(ref state, out _))
                return state.Position == start && count >= minimum;
            count++;
            if (state.Position == start)
                return true;
        }
    }
}

internal sealed class SeparatedParser<T, TSep>(Parser<T> item, Parser<TSep> separator, int minimum) : Parser<IReadOnlyList<T>>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out IReadOnlyList<T> result)
    {
        int start = state.Position;
        if (!item.TryParse(ref state, out var first))
        {
            result = state.Position == start && minimum == 0 ? [] : null;
            return result is not null;
        }
        var items = new List<T>(4) { first };
        while (true)
        {
            int before = state.Position;
            if (!separator.TryParse(ref state, out _))
            {
                if (state.Position != before)
                {
                    result = null;
                    return false;
                }
                result = items;
                return true;
            }
            if (!item.TryParse(ref state, out var next))
            {
                result = null;
                return false;
            }
            items.Add(next);
        }
    }
}

internal sealed class OptionalParser<T>(Parser<T> inner) : Parser<Maybe<T>>
{
    public override bool TryParse(ref ParseState state, out Maybe<T> result)
    {
        int start = state.Position;
        if (inner.TryParse(ref state, out var value))
        {
            result = new Maybe<T>(true, value);
            return true;
        }
        result = default;
        return state.Position == start;
    }
}

internal sealed class WhereParser<T>(Parser<T> inner, Func<T, bool> predicate, string label) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        int start = state.Position;
        if (inner.TryParse(ref state, out result) && predicate(result))
            return true;
        if (state.Position != start || result is not null)
            state.Expected(start, label);
        result = default;
        return false;
    }
}

internal sealed class SliceParser<T>(Parser<T> inner) : Parser<TextSlice>
{
    public override bool TryParse(ref ParseState state, out TextSlice result)
    {
        int start = state.Position;
        if (inner.TryParse(ref state, out _))
        {
            result = new TextSlice(start, state.Position - start);
            return true;
        }
        result = default;
        return false;
    }
}

internal sealed class RecognizeStringParser<T>(Parser<T> inner) : Parser<string>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out string result)
    {
        int start = state.Position;
        if (inner.TryParse(ref state, out _))
        {
            result = state.Input[start..state.Position].ToString();
            return true;
        }
        result = null;
        return false;
    }
}

internal sealed class LookaheadParser<T>(Parser<T> inner) : Parser<T>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result)
    {
        int start = state.Position;
        bool ok = inner.TryParse(ref state, out result);
        state.Position = start;
        return ok;
    }
}

internal sealed class RecParser<T>(Func<Parser<T>> factory) : Parser<T>
{
    private Parser<T>? _parser;

    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result) =>
        (_parser ??= factory()).TryParse(ref state, out result);
}

internal sealed class ManyStringParser(Parser<char> inner) : Parser<string>
{
    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out string result)
    {
        Span<char> stack = stackalloc char[128];
        char[]? rented = null;
        var buffer = stack;
        int length = 0;
        try
        {
            while (true)
            {
                int start = state.Position;
                if (!inner.TryParse(ref state, out char c))
                {
                    result = state.Position == start ? new string(buffer[..length]) : null;
                    return result is not null;
                }
                if (length == buffer.Length)
                {
                    var bigger = System.Buffers.ArrayPool<char>.Shared.Rent(buffer.Length * 2);
                    buffer[..length].CopyTo(bigger);
                    if (rented is not null)
                        System.Buffers.ArrayPool<char>.Shared.Return(rented);
                    rented = bigger;
                    buffer = bigger;
                }
                buffer[length++] = c;
                if (state.Position == start)
                {
                    result = new string(buffer[..length]);
                    return true;
                }
            }
        }
        finally
        {
            if (rented is not null)
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }
}

internal sealed class ConcatParser(Parser<string> piece) : Parser<string>
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    public override bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out string result)
    {
        string? first = null;
        StringBuilder? builder = null;
        while (true)
        {
            int start = state.Position;
            if (!piece.TryParse(ref state, out var next))
            {
                if (state.Position != start)
                {
                    result = null;
                    return false;
                }
                break;
            }
            if (first is null)
            {
                first = next;
            }
            else
            {
                if (builder is null)
                {
                    // Nested Concat parsers (a quoted run inside a word) must not share one builder.
                    builder = t_builder ?? new StringBuilder();
                    t_builder = null;
                    builder.Clear().Append(first);
                }
                builder.Append(next);
            }
            if (state.Position == start)
                break;
        }
        result = builder?.ToString() ?? first ?? "";
        if (builder is not null)
            t_builder = builder;
        return true;
    }
}
