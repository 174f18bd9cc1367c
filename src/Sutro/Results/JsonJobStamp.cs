using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Sutro.Results;

/// <summary>
/// Records the job id in a saved JSON results file, as a first top-level member <c>"job_id"</c>, so
/// Import-SutroJobResult gives the rows their JobId whatever the file is named. The rest of the file is the server's
/// bytes, copied as a stream; the decoder reads the member and ignores it otherwise.
/// </summary>
internal static class JsonJobStamp
{
    /// <summary>The member that names the job.</summary>
    public const string Member = "job_id";

    /// <summary>Rewrites <paramref name="path"/> with the member; false (untouched) when the file is not a JSON object.</summary>
    public static bool Stamp(string path, string jobId)
    {
        string stamped = path + ".job";
        try
        {
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                int at = -1;
                int b;
                int skipped = 0;
                while ((b = source.ReadByte()) >= 0)
                {
                    if (b is ' ' or '\t' or '\r' or '\n' || (skipped < 3 && b is 0xEF or 0xBB or 0xBF))
                    {
                        skipped++;
                        continue;
                    }

                    at = b;
                    break;
                }

                if (at != '{')
                {
                    return false;
                }

                int next;
                while ((next = source.ReadByte()) is ' ' or '\t' or '\r' or '\n')
                {
                }

                using var target = new FileStream(stamped, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                target.Write("{"u8);
                target.Write(Encoding.UTF8.GetBytes($"\"{Member}\":{JsonSerializer.Serialize(jobId)}"));
                if (next >= 0 && next != '}')
                {
                    target.Write(","u8);
                }

                if (next >= 0)
                {
                    target.WriteByte((byte)next);
                }

                source.CopyTo(target);
            }

            File.Move(stamped, path, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(stamped);
        }
    }
}
