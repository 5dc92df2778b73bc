using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Checks;
using Xunit;

namespace PbiPreflight.Tests
{
    public class ScanResultReaderTests
    {
        private const string Rich =
            "{\"workspaces\":[" +
            "{\"id\":\"w1\",\"datasets\":[" +
            "{\"id\":\"d1\",\"tables\":[{\"name\":\"T\",\"columns\":[{\"name\":\"C\"}]," +
            "\"measures\":[{\"name\":\"M\",\"expression\":\"SUM(T[C])\"}]}]," +
            "\"datasourceUsages\":[{\"datasourceInstanceId\":\"s1\"}],\"schemaRetrievalError\":null}," +
            "{\"id\":\"d2\",\"tables\":[{\"name\":\"T\",\"columns\":[]}],\"schemaRetrievalError\":\"Unsupported\"}]}," +
            "{\"id\":\"w2\",\"datasets\":[{\"id\":\"d3\",\"expressions\":[{\"name\":\"P\",\"expression\":\"1\"}]}]}]," +
            "\"datasourceInstances\":[{\"datasourceId\":\"s1\"},{\"datasourceId\":\"s2\"}]}";

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(100000)]
        public async Task CountsWhatACatalogNeedsWhateverTheChunkSize(int chunk)
        {
            var summary = await ReadAsync(Rich, chunk);

            Assert.NotNull(summary);
            Assert.Equal(2, summary!.Workspaces);
            Assert.Equal(3, summary.Datasets);
            Assert.Equal(1, summary.DatasetsWithTables);
            Assert.Equal(2, summary.DatasetsWithExpressions);
            Assert.Equal(1, summary.DatasetsWithSchemaErrors);
            Assert.Equal(1, summary.DatasetsWithSourceUsages);
            Assert.Equal(2, summary.DatasourceInstances);
            Assert.Empty(summary.DuplicateKeys);
        }

        [Fact]
        public async Task RepeatedTopLevelKeysAreCountedInEveryCopyAndNamed()
        {
            var summary = await ReadAsync(EntraErrorTests.CaseBody("C26"), 13);

            Assert.Equal(new[] { "datasourceInstances", "misconfiguredDatasourceInstances" }, summary!.DuplicateKeys);
            Assert.Equal(2, summary.DatasourceInstances);
            Assert.Equal(1, summary.Workspaces);
        }

        [Fact]
        public async Task DatasetsWithoutTablesAreCountedAsSuch()
        {
            var summary = await ReadAsync(EntraErrorTests.CaseBody("C27"), 64);

            Assert.Equal(1, summary!.Datasets);
            Assert.Equal(0, summary.DatasetsWithTables);
            Assert.Equal(0, summary.DatasetsWithExpressions);
        }

        [Fact]
        public async Task TokenLargerThanTheBufferIsRead()
        {
            var expression = new string('x', 300_000);
            var body = "{\"workspaces\":[{\"datasets\":[{\"expressions\":[{\"expression\":\"" + expression +
                "\"}]}]}]}";

            var summary = await ReadAsync(body, 4096);

            Assert.Equal(1, summary!.DatasetsWithExpressions);
        }

        [Theory]
        [InlineData("[]")]
        [InlineData("{\"value\":[]}")]
        [InlineData("\"workspaces\"")]
        [InlineData("{\"workspaces\":{}}")]
        public async Task JsonThatIsNotAScanResultGivesNull(string body)
        {
            Assert.Null(await ReadAsync(body, 5));
        }

        [Theory]
        [InlineData("")]
        [InlineData("<html>")]
        [InlineData("{\"workspaces\":[{\"id\":")]
        [InlineData("{\"workspaces\":[]}}")]
        public async Task TextThatIsNotJsonThrowsJsonException(string body)
        {
            await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(body, 3));
        }

        [Fact]
        public async Task MutatedResultsNeverThrowAnythingButJsonException()
        {
            // A fixed seed keeps the test repeatable; each mutation is a truncation, a deletion, a type swap or a
            // run of random bytes.
            var random = new Random(20261203);
            var original = Encoding.UTF8.GetBytes(Rich);
            for (var round = 0; round < 2000; round++)
            {
                var mutated = Mutate(original, random);
                try
                {
                    await ScanResultReader.ReadAsync(new MemoryStream(mutated), CancellationToken.None);
                }
                catch (JsonException)
                {
                }
            }
        }

        internal static byte[] Mutate(byte[] original, Random random)
        {
            var bytes = (byte[])original.Clone();
            switch (random.Next(4))
            {
                case 0:
                    return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
                case 1:
                    var start = random.Next(bytes.Length);
                    var length = random.Next(1, Math.Min(40, bytes.Length - start) + 1);
                    var shorter = new byte[bytes.Length - length];
                    Array.Copy(bytes, shorter, start);
                    Array.Copy(bytes, start + length, shorter, start, bytes.Length - start - length);
                    return shorter;
                case 2:
                    var text = Encoding.UTF8.GetString(bytes);
                    text = random.Next(2) == 0 ? text.Replace("[", "{").Replace("]", "}") : text.Replace("\"d", "1");
                    return Encoding.UTF8.GetBytes(text);
                default:
                    var position = random.Next(bytes.Length);
                    for (var index = position; index < Math.Min(bytes.Length, position + 16); index++)
                    {
                        bytes[index] = (byte)random.Next(256);
                    }

                    return bytes;
            }
        }

        private static Task<ScanResultSummary?> ReadAsync(string body, int chunk)
        {
            return ScanResultReader.ReadAsync(new TricklingStream(Encoding.UTF8.GetBytes(body), chunk),
                CancellationToken.None);
        }

        /// <summary>Hands out a few bytes per read, as a slow network does, to test every token boundary.</summary>
        private sealed class TricklingStream : MemoryStream
        {
            private readonly int chunk;

            public TricklingStream(byte[] data, int chunk)
                : base(data)
            {
                this.chunk = chunk;
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count,
                CancellationToken cancellationToken)
            {
                return base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
            }
        }
    }
}
