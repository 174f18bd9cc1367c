namespace Sutro.Commands;

/// <summary>
/// The progress activity of each cmdlet: distinct, so the bars of <c>Wait-SutroJob | Export-SutroJobResult</c>
/// never overwrite each other.
/// </summary>
internal static class ProgressIds
{
    public const int WaitSutroJob = 0x5310;
    public const int GetSutroJobResultWait = 0x5311;
    public const int GetSutroJobResultDownload = 0x5312;
    public const int ExportSutroJobResult = 0x5313;
    public const int GetSutroJobResultDecode = 0x5314;
    public const int ImportSutroJobResult = 0x5315;
    public const int StartSutroJobUpload = 0x5316;
    public const int StartSutroJobWait = 0x5317;
    public const int InvokeSutroBatchUpload = 0x5318;
    public const int InvokeSutroBatchWait = 0x5319;
    public const int InvokeSutroBatchDownload = 0x531A;
    public const int InvokeSutroBatchDecode = 0x531B;
    public const int JoinSutroJobResultDownload = 0x531C;
    public const int JoinSutroJobResultDecode = 0x531D;
}
