namespace Build.Engine.Frontend;

/// <summary>Stable codes of the diagnostics the frontend adds to the parser's (tests and tools match on these).</summary>
public static class FrontendDiagnosticCodes
{
    public const string NoStages = "no-stages";
    public const string InstructionBeforeFrom = "instruction-before-from";
    public const string DuplicateStageName = "duplicate-stage-name";
    public const string InvalidStageName = "invalid-stage-name";
    public const string ReservedStageName = "reserved-stage-name";
    public const string UnknownTarget = "unknown-target";
    public const string InvalidBaseImage = "invalid-base-image";
    public const string InvalidPlatform = "invalid-platform";
    public const string UnknownStage = "unknown-stage";
    public const string StageNotDefinedBefore = "stage-not-defined-before";
    public const string VariableInFrom = "variable-in-from";
    public const string ExpansionError = "expansion-error";
    public const string InvalidMountOption = "invalid-mount-option";
    public const string InvalidArguments = "invalid-arguments";
    public const string InvalidOnBuildTrigger = "invalid-onbuild-trigger";
    public const string UnusedBuildArg = "unused-build-arg";
}
