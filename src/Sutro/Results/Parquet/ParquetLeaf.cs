using System;
using System.Collections.Specialized;
using System.Numerics;
using System.Text;
using global::Parquet.Meta;

namespace Sutro.Results.Parquet;

/// <summary>What a flat column's values become in a row.</summary>
internal enum LeafKind
{
    Text,
    Binary,
    Int64,
    UInt64,
    UInt32,
    Boolean,
    Double,
    Float16,
    Decimal,
    Date,
    Timestamp,
    Time,
    Int96,
    Uuid,
    Interval,
}

/// <summary>
/// A primitive column (a leaf of the schema, at any depth): its physical type, how its values become .NET
/// values, and its highest definition and repetition levels (0 and 0 or 1 for a flat column).
/// </summary>
internal sealed class ParquetLeaf
{
    public const int Boolean = 0;
    public const int Int32 = 1;
    public const int Int64 = 2;
    public const int Int96 = 3;
    public const int Float = 4;
    public const int Double = 5;
    public const int ByteArray = 6;
    public const int FixedLenByteArray = 7;

    public ParquetLeaf(string name, int index, int physical, int typeLength, bool optional, LeafKind kind, int scale, long unitTicksDivisor)
    {
        Name = name;
        Index = index;
        Physical = physical;
        TypeLength = typeLength;
        Optional = optional;
        Kind = kind;
        Scale = scale;
        UnitDivisor = unitTicksDivisor;
    }

    public string Name { get; }

    /// <summary>The column chunk's position in each row group.</summary>
    public int Index { get; }

    public int Physical { get; }

    public int TypeLength { get; }

    public bool Optional { get; }

    public LeafKind Kind { get; }

    public int Scale { get; }

    /// <summary>For timestamps and times: nanoseconds per unit as a signed multiplier (1e6 millis, 1e3 micros, 1 nanos).</summary>
    public long UnitDivisor { get; }

    /// <summary>For timestamps: whether the writer marked them as UTC instants (else wall-clock, Kind Unspecified).</summary>
    public bool Utc { get; init; } = true;

    /// <summary>The definition level at which the leaf holds a value (every optional or repeated ancestor counts).</summary>
    public int MaxDef { get; init; }

    /// <summary>How many repeated fields the leaf sits under (itself included).</summary>
    public int MaxRep { get; init; }

    public bool IsText => Kind == LeafKind.Text;

    public bool IsNumber => Kind is LeafKind.Double;

    /// <summary>A top-level flat column's leaf, or null when it is repeated or of a type the reader does not know.</summary>
    public static ParquetLeaf? Describe(SchemaElement element, int index) =>
        element.RepetitionType == FieldRepetitionType.REPEATED
            ? null
            : Describe(element, index, element.RepetitionType == FieldRepetitionType.REQUIRED ? 0 : 1, 0);

    /// <summary>A leaf at any depth with its levels, or null when its type is one the reader does not know.</summary>
    public static ParquetLeaf? Describe(SchemaElement element, int index, int maxDef, int maxRep)
    {
        if (element.Type is not { } type || element.NumChildren is > 0)
        {
            return null;
        }

        int physical = (int)type;
        LogicalType? logical = element.LogicalType;
        ConvertedType? converted = element.ConvertedType;
        int length = element.TypeLength ?? 0;
        bool optional = maxDef > 0;
        LeafKind? kind = null;
        int scale = 0;
        long unit = 0;
        if (logical?.DECIMAL is { } dec || converted == ConvertedType.DECIMAL)
        {
            scale = logical?.DECIMAL?.Scale ?? element.Scale ?? 0;
            kind = physical is Int32 or Int64 or ByteArray or FixedLenByteArray && scale is >= 0 and <= 28 ? LeafKind.Decimal : null;
            if (kind is null)
            {
                return null;
            }
        }
        else if (physical is ByteArray or FixedLenByteArray)
        {
            bool text = logical?.STRING is not null || logical?.ENUM is not null || logical?.JSON is not null
                || converted is ConvertedType.UTF8 or ConvertedType.ENUM or ConvertedType.JSON;
            if (physical == FixedLenByteArray && (logical?.UUID is not null) && length == 16)
            {
                kind = LeafKind.Uuid;
            }
            else if (physical == FixedLenByteArray && logical?.FLOAT16 is not null && length == 2)
            {
                kind = LeafKind.Float16;
            }
            else if (physical == FixedLenByteArray && converted == ConvertedType.INTERVAL && length == 12)
            {
                kind = LeafKind.Interval;
            }
            else
            {
                kind = text ? LeafKind.Text : LeafKind.Binary;
            }

            if (physical == FixedLenByteArray && length <= 0)
            {
                return null;
            }
        }
        else if (physical == Boolean)
        {
            kind = LeafKind.Boolean;
        }
        else if (physical is Float or Double)
        {
            kind = LeafKind.Double;
        }
        else if (physical == Int96)
        {
            kind = LeafKind.Int96;
        }
        else if (physical == Int32 && (logical?.DATE is not null || converted == ConvertedType.DATE))
        {
            kind = LeafKind.Date;
        }
        else if (logical?.TIMESTAMP is { } ts || converted is ConvertedType.TIMESTAMP_MILLIS or ConvertedType.TIMESTAMP_MICROS)
        {
            unit = Unit(logical?.TIMESTAMP?.Unit, converted == ConvertedType.TIMESTAMP_MILLIS);
            kind = physical == Int64 ? LeafKind.Timestamp : null;
        }
        else if (logical?.TIME is { } time || converted is ConvertedType.TIME_MILLIS or ConvertedType.TIME_MICROS)
        {
            unit = Unit(logical?.TIME?.Unit, converted == ConvertedType.TIME_MILLIS || (logical?.TIME is null && physical == Int32));
            kind = LeafKind.Time;
        }
        else if (physical is Int32 or Int64)
        {
            bool unsigned = logical?.INTEGER is { IsSigned: false }
                || converted is ConvertedType.UINT_8 or ConvertedType.UINT_16 or ConvertedType.UINT_32 or ConvertedType.UINT_64;
            kind = !unsigned ? LeafKind.Int64 : physical == Int64 ? LeafKind.UInt64 : LeafKind.UInt32;
        }

        bool utc = logical?.TIMESTAMP?.IsAdjustedToUTC ?? true;
        return kind is null ? null : new ParquetLeaf(element.Name, index, physical, length, optional, kind.Value, scale, unit)
        {
            Utc = utc,
            MaxDef = maxDef,
            MaxRep = maxRep,
        };
    }

    private static long Unit(TimeUnit? unit, bool millis) =>
        unit?.NANOS is not null ? 1 : unit?.MICROS is not null ? 1_000 : unit?.MILLIS is not null || millis ? 1_000_000 : 1_000;

    /// <summary>A value read as bytes (text, binary, fixed-length, INT96) as its row value.</summary>
    public object FromBytes(ReadOnlySpan<byte> bytes)
    {
        switch (Kind)
        {
            case LeafKind.Text:
                return Utf8Text.Decode(bytes);
            case LeafKind.Binary:
                return bytes.ToArray();
            case LeafKind.Uuid:
                return new Guid(bytes, bigEndian: true);
            case LeafKind.Float16:
                return (double)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(bytes);
            case LeafKind.Interval:
                return new OrderedDictionary
                {
                    ["Months"] = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                    ["Days"] = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
                    ["Milliseconds"] = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
                };
            case LeafKind.Int96:
                {
                    // Days and nanoseconds of the day, summed in ticks: in nanoseconds, dates past 2262 (which Spark
                    // writes) overflow 64 bits.
                    long nanos = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes);
                    int julian = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
                    long ticks;
                    try
                    {
                        ticks = checked(((long)julian - 2440588) * TimeSpan.TicksPerDay + nanos / 100);
                    }
                    catch (OverflowException)
                    {
                        throw new ParquetPageException(OutOfRange);
                    }

                    return FromTicks(ticks, utc: true);
                }

            case LeafKind.Decimal:
                {
                    var unscaled = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
                    return ToDecimal(unscaled);
                }

            default:
                throw new ParquetPageException($"a {Kind} value is stored as bytes");
        }
    }

    /// <summary>A value read as a whole number (INT32, INT64, BOOLEAN) as its row value.</summary>
    public object FromInt64(long value)
    {
        switch (Kind)
        {
            case LeafKind.Int64: return value;
            case LeafKind.UInt32: return (long)(uint)value;
            case LeafKind.UInt64: return unchecked((ulong)value);
            case LeafKind.Boolean: return value != 0;
            case LeafKind.Decimal: return ToDecimal(value);
            case LeafKind.Date: return DateTime.SpecifyKind(DateTime.UnixEpoch.AddDays(value), DateTimeKind.Utc);
            case LeafKind.Timestamp: return FromNanos(value, UnitDivisor, Utc);
            case LeafKind.Time: return new TimeSpan(checked(value * UnitDivisor) / 100);
            default: throw new ParquetPageException($"a {Kind} value is stored as a number");
        }
    }

    private object FromNanos(long value, long multiplier, bool utc)
    {
        // Ticks are 100 ns; a unit coarser than that multiplies, nanoseconds divide.
        long ticks;
        try
        {
            ticks = multiplier >= 100 ? checked(value * (multiplier / 100)) : value / (100 / multiplier);
        }
        catch (OverflowException)
        {
            throw new ParquetPageException(OutOfRange);
        }

        return FromTicks(ticks, utc);
    }

    private const string OutOfRange = "a date or time is outside the range .NET can hold";


    private static object FromTicks(long ticksSinceEpoch, bool utc)
    {
        long ticks = DateTime.UnixEpoch.Ticks + ticksSinceEpoch;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            throw new ParquetPageException(OutOfRange);
        }

        return new DateTime(ticks, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }

    private decimal ToDecimal(BigInteger unscaled)
    {
        if (BigInteger.Abs(unscaled) > new BigInteger(decimal.MaxValue))
        {
            throw new ParquetPageException("a decimal has more digits than .NET's decimal holds (28)");
        }

        return ScaleDown((decimal)unscaled);
    }

    private decimal ToDecimal(long unscaled) => ScaleDown(unscaled);

    private decimal ScaleDown(decimal value)
    {
        // decimal keeps the scale: 12345 at scale 2 is 123.45, exactly.
        int[] bits = decimal.GetBits(value);
        return new decimal(bits[0], bits[1], bits[2], value < 0, (byte)Scale);
    }
}
