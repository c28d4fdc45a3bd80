using System.Diagnostics.CodeAnalysis;

namespace Build.Parser.Combinators;

/// <summary>
/// A parser of <typeparamref name="T"/> values over characters. Parsers are immutable and reusable; build them
/// once (as <c>static readonly</c> fields) and run them many times.
/// </summary>
/// <remarks>
/// <para>Semantics follow Pidgin (and Parsec): a parser that fails <em>after consuming input</em> makes the
/// enclosing <see cref="Or"/> fail too, without trying the next alternative. Wrap the left side in
/// <see cref="Try"/> to backtrack. This keeps alternatives cheap (no position bookkeeping for every branch) and
/// error messages precise (they point at where the input actually went wrong, not at the start).</para>
/// <para>The API maps onto Pidgin's one to one (<c>Parsers.Char</c> = <c>Parser.Char</c>,
/// <c>Then</c>/<c>Before</c>/<c>Or</c>/<c>Many</c>/<c>SeparatedBy</c>/<c>Labelled</c>/<c>Try</c> by the same
/// names, <see cref="Slice"/> = <c>MapWithInput</c>), so the grammar could move to Pidgin unchanged in shape.</para>
/// </remarks>
public abstract class Parser<T>
{
    /// <summary>
    /// Runs the parser at <see cref="ParseState.Position"/>. On success advances the position and returns true.
    /// On failure records what was expected (<see cref="ParseState.Expected"/>) and returns false; the position
    /// tells the caller whether input was consumed.
    /// </summary>
    public abstract bool TryParse(ref ParseState state, [MaybeNullWhen(false)] out T result);

    /// <summary>Parses a prefix of <paramref name="input"/>.</summary>
    public Result<T> Parse(ReadOnlySpan<char> input)
    {
        var state = new ParseState(input);
        if (TryParse(ref state, out var value))
            return new Result<T>(true, value, null, state.Position);
        return new Result<T>(false, default!, state.BuildFailure(), state.Position);
    }

    /// <summary>Parses the whole of <paramref name="input"/>: trailing input is a failure.</summary>
    public Result<T> ParseAll(ReadOnlySpan<char> input) => Before(Parsers.End).Parse(input);

    public Parser<TResult> Map<TResult>(Func<T, TResult> selector) => new MapParser<T, TResult>(this, selector);

    public Parser<TResult> Select<TResult>(Func<T, TResult> selector) => Map(selector);

    /// <summary>This, then <paramref name="next"/>; keeps the second result.</summary>
    public Parser<TNext> Then<TNext>(Parser<TNext> next) => new SequenceParser<T, TNext, TNext>(this, next, static (_, b) => b);

    /// <summary>This, then <paramref name="next"/>; combines both results.</summary>
    public Parser<TResult> Then<TNext, TResult>(Parser<TNext> next, Func<T, TNext, TResult> combine) =>
        new SequenceParser<T, TNext, TResult>(this, next, combine);

    /// <summary>This, then a parser chosen from this parser's result (context-sensitive grammars).</summary>
    public Parser<TNext> Bind<TNext>(Func<T, Parser<TNext>> next) => new BindParser<T, TNext>(this, next);

    /// <summary>This, then <paramref name="next"/>; keeps the first result.</summary>
    public Parser<T> Before<TNext>(Parser<TNext> next) => new SequenceParser<T, TNext, T>(this, next, static (a, _) => a);

    /// <summary>This, or (only if this failed without consuming input) <paramref name="alternative"/>.</summary>
    public Parser<T> Or(Parser<T> alternative) => new OrParser<T>([this, alternative]);

    /// <summary>On failure, rewinds to where this parser started, so an enclosing <see cref="Or"/> can try the next branch.</summary>
    public Parser<T> Try() => new TryParser<T>(this);

    /// <summary>Replaces what this parser reports as expected by <paramref name="label"/> (e.g. "a flag").</summary>
    public Parser<T> Labelled(string label) => new LabelledParser<T>(this, label);

    /// <summary>Zero or more repetitions.</summary>
    public Parser<IReadOnlyList<T>> Many() => new ManyParser<T>(this, 0);

    /// <summary>One or more repetitions.</summary>
    public Parser<IReadOnlyList<T>> AtLeastOnce() => new ManyParser<T>(this, 1);

    /// <summary>Zero or more repetitions whose results are dropped (allocates nothing).</summary>
    public Parser<Unit> SkipMany() => new SkipManyParser<T>(this, 0);

    /// <summary>One or more repetitions whose results are dropped.</summary>
    public Parser<Unit> SkipAtLeastOnce() => new SkipManyParser<T>(this, 1);

    /// <summary>Zero or more of this, separated by <paramref name="separator"/>.</summary>
    public Parser<IReadOnlyList<T>> SeparatedBy<TSep>(Parser<TSep> separator) => new SeparatedParser<T, TSep>(this, separator, 0);

    /// <summary>One or more of this, separated by <paramref name="separator"/>.</summary>
    public Parser<IReadOnlyList<T>> SeparatedAtLeastOnce<TSep>(Parser<TSep> separator) => new SeparatedParser<T, TSep>(this, separator, 1);

    /// <summary>This, or nothing (when this fails without consuming input).</summary>
    public Parser<Maybe<T>> Optional() => new OptionalParser<T>(this);

    /// <summary>Succeeds only if the value satisfies <paramref name="predicate"/>; otherwise fails expecting <paramref name="label"/>.</summary>
    public Parser<T> Where(Func<T, bool> predicate, string label) => new WhereParser<T>(this, predicate, label);

    /// <summary>The range of input this parser consumed, instead of its value (no string allocated).</summary>
    public Parser<TextSlice> Slice() => new SliceParser<T>(this);

    /// <summary>Discards the value.</summary>
    public Parser<Unit> IgnoreResult() => Map(static _ => Unit.Value);

    /// <summary>Runs without consuming input; succeeds when this would succeed.</summary>
    public Parser<T> Lookahead() => new LookaheadParser<T>(this);

    /// <summary>Returns a constant instead of this parser's value.</summary>
    public Parser<TResult> WithResult<TResult>(TResult value) => Map(_ => value);
}
