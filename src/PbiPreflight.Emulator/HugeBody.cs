using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;

namespace PbiPreflight.Emulator;

/// <summary>
/// A valid JSON answer of hundreds of megabytes, made while it is sent: a Power BI list
/// (<c>{"@odata.context", "value": [...]}</c> of workspaces) or, for scanResult, a
/// WorkspaceInfoResponse with as many workspaces as fit. Item n is always the same, so two downloads
/// of one size are identical.
/// </summary>
public static class HugeBody
{
    // Large enough to keep the writer busy, small enough that memory does not notice.
    private const int FlushThreshold = 64 * 1024;

    private const string DatasourceId = "d5000000-0000-4000-8000-0000000000ff";

    /// <summary>Streams a body of about <paramref name="targetBytes"/> into <paramref name="pipe"/>.</summary>
    /// <returns>False when the client went away before the end.</returns>
    public static async Task<bool> StreamAsync(
        PipeWriter pipe, long targetBytes, bool scanResult, string baseUrl, CancellationToken cancellation)
    {
        using var writer = new Utf8JsonWriter(pipe);
        Start(writer, scanResult, baseUrl);

        // The writer hands full buffers to the pipe on its own, so the distance from the last flush is
        // measured on the total, not on what is pending.
        var flushed = 0L;
        for (var n = 1L; Written(writer) < targetBytes; n++)
        {
            WriteItem(writer, n, scanResult);
            if (Written(writer) - flushed < FlushThreshold)
            {
                continue;
            }

            writer.Flush();
            flushed = writer.BytesCommitted;
            var result = await pipe.FlushAsync(cancellation);
            if (result.IsCanceled || result.IsCompleted)
            {
                return false;
            }
        }

        End(writer, scanResult);
        writer.Flush();
        var last = await pipe.FlushAsync(cancellation);
        return !last.IsCanceled;
    }

    /// <summary>The first items of the same body, whole, just past <paramref name="targetBytes"/>.</summary>
    public static byte[] Generate(long targetBytes, bool scanResult, string baseUrl)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Start(writer, scanResult, baseUrl);
            for (var n = 1L; Written(writer) < targetBytes; n++)
            {
                WriteItem(writer, n, scanResult);
            }

            End(writer, scanResult);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static long Written(Utf8JsonWriter writer) => writer.BytesCommitted + writer.BytesPending;

    private static void Start(Utf8JsonWriter writer, bool scanResult, string baseUrl)
    {
        writer.WriteStartObject();
        if (scanResult)
        {
            writer.WriteStartArray("workspaces");
            return;
        }

        writer.WriteString("@odata.context", baseUrl + "/v1.0/myorg/$metadata#groups");
        writer.WriteStartArray("value");
    }

    private static void End(Utf8JsonWriter writer, bool scanResult)
    {
        writer.WriteEndArray();
        if (scanResult)
        {
            writer.WriteStartArray("datasourceInstances");
            writer.WriteStartObject();
            writer.WriteString("datasourceType", "Sql");
            writer.WriteStartObject("connectionDetails");
            writer.WriteString("server", "huge.database.windows.net");
            writer.WriteString("database", "Huge");
            writer.WriteEndObject();
            writer.WriteString("datasourceId", DatasourceId);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartArray("misconfiguredDatasourceInstances");
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteItem(Utf8JsonWriter writer, long n, bool scanResult)
    {
        var suffix = n.ToString("x12", CultureInfo.InvariantCulture);
        var number = n.ToString("D6", CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteString("id", "6f000000-0000-4000-8000-" + suffix);
        writer.WriteString("name", "Huge workspace " + number);
        writer.WriteString("type", "Workspace");
        writer.WriteString("state", "Active");
        writer.WriteBoolean("isReadOnly", false);
        writer.WriteBoolean("isOnDedicatedCapacity", false);
        if (scanResult)
        {
            WriteScanContent(writer, suffix, number);
        }

        writer.WriteEndObject();
    }

    private static void WriteScanContent(Utf8JsonWriter writer, string suffix, string number)
    {
        var datasetId = "6fda0000-0000-4000-8000-" + suffix;
        writer.WriteStartArray("reports");
        writer.WriteStartObject();
        writer.WriteString("id", "6fe00000-0000-4000-8000-" + suffix);
        writer.WriteString("name", "Huge report " + number);
        writer.WriteString("datasetId", datasetId);
        writer.WriteString("reportType", "PowerBIReport");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("dashboards");
        writer.WriteEndArray();

        writer.WriteStartArray("datasets");
        writer.WriteStartObject();
        writer.WriteString("id", datasetId);
        writer.WriteString("name", "Huge model " + number);
        writer.WriteString("configuredBy", "huge@contoso.onmicrosoft.com");
        writer.WriteString("targetStorageMode", "Abf");
        writer.WriteString("createdDate", "2024-01-15T09:30:00Z");
        writer.WriteString("contentProviderType", "PbixInImportMode");
        writer.WriteStartArray("tables");
        writer.WriteStartObject();
        writer.WriteString("name", "Sales");
        writer.WriteStartArray("columns");
        WriteColumn(writer, "Id", "Int64");
        WriteColumn(writer, "Region", "String");
        WriteColumn(writer, "Amount", "Double");
        writer.WriteEndArray();
        writer.WriteStartArray("measures");
        writer.WriteStartObject();
        writer.WriteString("name", "Total Amount");
        writer.WriteString("expression", "SUM(Sales[Amount])");
        writer.WriteBoolean("isHidden", false);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteBoolean("isHidden", false);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("datasourceUsages");
        writer.WriteStartObject();
        writer.WriteString("datasourceInstanceId", DatasourceId);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();

        writer.WriteStartArray("dataflows");
        writer.WriteEndArray();
        writer.WriteStartArray("datamarts");
        writer.WriteEndArray();
    }

    private static void WriteColumn(Utf8JsonWriter writer, string name, string dataType)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("dataType", dataType);
        writer.WriteBoolean("isHidden", false);
        writer.WriteEndObject();
    }
}
