namespace Build.Parser.Diagnostics;

/// <summary>Stable identifiers of the diagnostics the parser reports (tests and tools match on these, not on messages).</summary>
public static class DiagnosticCodes
{
    public const string NoInstructions = "no-instructions";
    public const string LineTooLong = "line-too-long";
    public const string DuplicateDirective = "duplicate-directive";
    public const string InvalidEscape = "invalid-escape";
    public const string EmptyContinuationLine = "empty-continuation-line";
    public const string UnterminatedHeredoc = "unterminated-heredoc";
    public const string UnknownInstruction = "unknown-instruction";
    public const string UnknownFlag = "unknown-flag";
    public const string DuplicateFlag = "duplicate-flag";
    public const string FlagValueMissing = "flag-value-missing";
    public const string InvalidFlagValue = "invalid-flag-value";
    public const string InvalidMountOption = "invalid-mount-option";
    public const string JsonNonString = "json-non-string";
    public const string MissingArguments = "missing-arguments";
    public const string TooManyArguments = "too-many-arguments";
    public const string InvalidArguments = "invalid-arguments";
    public const string InvalidStageName = "invalid-stage-name";
    public const string InvalidOnbuild = "invalid-onbuild";
    public const string InvalidHeredoc = "invalid-heredoc";
    public const string JsonFormRequired = "json-form-required";
    public const string MaintainerDeprecated = "maintainer-deprecated";
    public const string LegacyKeyValueFormat = "legacy-key-value-format";
}
