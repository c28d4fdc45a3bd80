namespace Build.Parser.Expansion;

/// <summary>How the builder expands an instruction's arguments (BuildKit's per-instruction rules).</summary>
public enum ExpansionMode
{
    /// <summary>Not expanded by the builder (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK: the shell in the container does it).</summary>
    None = 0,

    /// <summary>Each argument expands to one string (<see cref="ShellLex.ProcessWord(string, IEnvLookup)"/>).</summary>
    Word = 1,

    /// <summary>Each argument expands and splits into several (<see cref="ShellLex.ProcessWords(string, IEnvLookup)"/>): EXPOSE.</summary>
    Words = 2,
}
