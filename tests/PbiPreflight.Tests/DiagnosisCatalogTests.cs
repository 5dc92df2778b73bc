using System.Linq;
using System.Reflection;
using PbiPreflight.Diagnosis;
using Xunit;

namespace PbiPreflight.Tests
{
    public class DiagnosisCatalogTests
    {
        [Fact]
        public void EveryDiagnosisHasAReasonAMessageAndForProblemsARemedy()
        {
            // Static fields initialise in text order; one that borrows from a later one would be null here.
            var entries = typeof(DiagnosisCatalog)
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.FieldType == typeof(Diagnosis.Diagnosis))
                .Select(field => (field.Name, Value: (Diagnosis.Diagnosis?)field.GetValue(null)))
                .ToList();

            Assert.True(entries.Count > 40);
            Assert.All(entries, entry =>
            {
                Assert.NotNull(entry.Value);
                Assert.Matches("^[A-Z][A-Za-z]+$", entry.Value!.Reason);
                Assert.False(string.IsNullOrWhiteSpace(entry.Value.Message), entry.Name);
                if (entry.Value.Status is CheckStatus.Failed or CheckStatus.Warning)
                {
                    Assert.False(string.IsNullOrWhiteSpace(entry.Value.Remediation), entry.Name);
                }
            });
        }
    }
}
