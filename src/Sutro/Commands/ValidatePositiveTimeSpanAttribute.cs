using System;
using System.Management.Automation;

namespace Sutro.Commands;

/// <summary>Refuses a TimeSpan parameter that is zero or negative (a window or age must reach into the past).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidatePositiveTimeSpanAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject pso ? pso.BaseObject : arguments;
        if (value is TimeSpan span && span <= TimeSpan.Zero)
        {
            throw new ValidationMetadataException($"The time span {span} is not positive. Give a length of time " +
                "such as (New-TimeSpan -Hours 24) or '1.00:00:00'.");
        }
    }
}
