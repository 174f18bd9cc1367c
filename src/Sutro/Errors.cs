using System;
using System.Management.Automation;

namespace Sutro;

/// <summary>
/// The stable ids of the module's error records (the first part of FullyQualifiedErrorId). about_Sutro lists
/// exactly these; a test keeps the two in step.
/// </summary>
public static class ErrorIds
{
    // Settings and the key.
    public const string ApiKeyNotFound = "ApiKeyNotFound";
    public const string ApiUrlNotSet = "ApiUrlNotSet";
    public const string RetiredApiHost = "RetiredApiHost";
    public const string SettingsInvalid = "SettingsInvalid";
    public const string SettingsNotSaved = "SettingsNotSaved";
    public const string AuthenticationFailed = "AuthenticationFailed";

    // The service's answers.
    public const string JobNotFound = "JobNotFound";
    public const string NotFound = "NotFound";
    public const string ApiNotFound = "ApiNotFound";
    public const string ResultsOnlyAsJson = "ResultsOnlyAsJson";
    public const string JobNotComplete = "JobNotComplete";
    public const string JobGone = "JobGone";
    public const string ApiNoLongerSupported = "ApiNoLongerSupported";
    public const string BatchServiceUnavailable = "BatchServiceUnavailable";
    public const string RateLimited = "RateLimited";
    public const string ServerError = "ServerError";
    public const string HttpError = "HttpError";
    public const string InvalidApiResponse = "InvalidApiResponse";
    public const string TooManyRedirects = "TooManyRedirects";
    public const string InsecureRedirect = "InsecureRedirect";

    // The network.
    public const string ConnectionFailed = "ConnectionFailed";
    public const string ResponseTimedOut = "ResponseTimedOut";
    public const string DownloadInterrupted = "DownloadInterrupted";
    public const string DownloadStalled = "DownloadStalled";

    // Jobs.
    public const string JobFailed = "JobFailed";
    public const string JobCancelled = "JobCancelled";
    public const string WaitTimedOut = "WaitTimedOut";
    public const string JobNotCancellable = "JobNotCancellable";

    // Reading results.
    public const string ResultDecodeFailed = "ResultDecodeFailed";
    public const string RawWithExpandOutput = "RawWithExpandOutput";
    public const string PathNotFound = "PathNotFound";
    public const string PathIsFolder = "PathIsFolder";
    public const string PathNotFileSystem = "PathNotFileSystem";
    public const string InputReadFailed = "InputReadFailed";
    public const string UnexpectedError = "UnexpectedError";

    // Saving results.
    public const string OutputFileExists = "OutputFileExists";
    public const string OutputFolderNotFound = "OutputFolderNotFound";
    public const string OutputPathIsFolder = "OutputPathIsFolder";
    public const string UnknownFileExtension = "UnknownFileExtension";
    public const string FormatMismatch = "FormatMismatch";
    public const string FolderRequired = "FolderRequired";
    public const string JobIdNotAFileName = "JobIdNotAFileName";
    public const string PathNotResolved = "PathNotResolved";
    public const string ExportInProgress = "ExportInProgress";
    public const string ForceWithNoClobber = "ForceWithNoClobber";
    public const string OutputWriteFailed = "OutputWriteFailed";
    public const string InsufficientDiskSpace = "InsufficientDiskSpace";
    public const string ResultsLinkFailed = "ResultsLinkFailed";
    public const string ResultsLinkUnsupported = "ResultsLinkUnsupported";
    public const string ResultsSizeMismatch = "ResultsSizeMismatch";
    public const string CacheRemoveFailed = "CacheRemoveFailed";

    // Submitting jobs.
    public const string SubmissionRejected = "SubmissionRejected";
    public const string SubmissionOutcomeUnknown = "SubmissionOutcomeUnknown";
    public const string CostEstimateMissing = "CostEstimateMissing";
    public const string InputNotText = "InputNotText";
    public const string InputPropertyMissing = "InputPropertyMissing";
    public const string InputScriptFailed = "InputScriptFailed";
    public const string InputNotObject = "InputNotObject";
    public const string InputUrlInvalid = "InputUrlInvalid";
    public const string NoInputs = "NoInputs";
    public const string OutputSchemaInvalid = "OutputSchemaInvalid";
    public const string ParameterConflict = "ParameterConflict";
    public const string SamplingParametersInvalid = "SamplingParametersInvalid";
    public const string ResultRowCountMismatch = "ResultRowCountMismatch";
    public const string JobAlreadyExists = "JobAlreadyExists";
    public const string CostLimitExceeded = "CostLimitExceeded";

    // Pairing inputs with a job's results.
    public const string InputMismatch = "InputMismatch";
    public const string DuplicateJoinKey = "DuplicateJoinKey";
    public const string JoinKeyNotFound = "JoinKeyNotFound";
}

/// <summary>
/// A failure the module reports as an error record: the stable id (one of <see cref="ErrorIds"/>) and the
/// category travel with it, so every cmdlet converts it the same way, in one place.
/// </summary>
public class SutroException : Exception
{
    public SutroException(string errorId, ErrorCategory category, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
    }

    /// <summary>The error record's stable id.</summary>
    public string ErrorId { get; }

    public ErrorCategory Category { get; }
}
