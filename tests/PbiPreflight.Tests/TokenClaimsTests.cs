using System;
using System.Collections.Generic;
using System.Linq;
using PbiPreflight.Identity;
using Xunit;

namespace PbiPreflight.Tests
{
    /// <summary>
    /// Reading the claims of v1 and v2 access tokens, app-only and delegated, and refusing (with null, never an
    /// exception) any text that is not a JWT with a JSON object for its payload.
    /// </summary>
    public class TokenClaimsTests
    {
        private static readonly DateTimeOffset Expiry = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        [Fact]
        public void V1AppOnlyTokenGivesAppIdResourceAudienceAndRoles()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(TestTokens.AppV1(Expiry, "Tenant.Read.All", "Other.Role")));

            Assert.NotNull(claims);
            Assert.Equal("1.0", claims!.Version);
            Assert.Equal("app", claims.IdentityType);
            Assert.Equal(FakePowerBi.TenantId, claims.TenantId);
            Assert.Equal(FakePowerBi.ClientId, claims.AppId);
            Assert.Equal("bbbbbbbb-0000-0000-0000-000000000002", claims.ObjectId);
            Assert.Equal(CloudEndpoints.PublicResource, claims.Audience);
            Assert.Equal(new[] { "Tenant.Read.All", "Other.Role" }, claims.Roles);
            Assert.Empty(claims.Scopes);
            Assert.Null(claims.UserPrincipalName);
            Assert.Equal(Expiry, claims.ExpiresOn);
            Assert.Equal(new[] { "Tenant.Read.All" }, claims.ForbiddenRoles);
        }

        [Fact]
        public void V1UserTokenGivesUpnAndSplitScopes()
        {
            var token = TestTokens.Jwt(TestTokens.UserV1(Expiry, "Tenant.Read.All  Workspace.Read.All"));
            var claims = TokenClaims.Read(token);

            Assert.Equal("user", claims!.IdentityType);
            Assert.Equal("admin@contoso.com", claims.UserPrincipalName);
            Assert.Equal(new[] { "Tenant.Read.All", "Workspace.Read.All" }, claims.Scopes);
            Assert.Empty(claims.Roles);
        }

        [Fact]
        public void V1UserNameFallsBackToUniqueName()
        {
            var payload = TestTokens.UserV1(Expiry, "Workspace.Read.All");
            payload.Remove("upn");
            payload["unique_name"] = "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com";

            var claims = TokenClaims.Read(TestTokens.Jwt(payload));

            Assert.Equal("guest_fabrikam.com#EXT#@contoso.onmicrosoft.com", claims!.UserPrincipalName);
        }

        [Fact]
        public void V2UserTokenGivesAzpPreferredUsernameAndAppIdAudience()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(new Dictionary<string, object?>
            {
                ["aud"] = TestTokens.PowerBiServiceAppId,
                ["iss"] = "https://login.microsoftonline.com/" + FakePowerBi.TenantId + "/v2.0",
                ["tid"] = FakePowerBi.TenantId,
                ["azp"] = FakePowerBi.ClientId,
                ["azpacr"] = "0",
                ["oid"] = "cccccccc-0000-0000-0000-000000000003",
                ["preferred_username"] = "admin@contoso.com",
                ["scp"] = "Tenant.ReadWrite.All",
                ["ver"] = "2.0",
                ["exp"] = Expiry.ToUnixTimeSeconds(),
            }));

            Assert.Equal("2.0", claims!.Version);
            Assert.Equal("user", claims.IdentityType);
            Assert.Equal(FakePowerBi.ClientId, claims.AppId);
            Assert.Equal(TestTokens.PowerBiServiceAppId, claims.Audience);
            Assert.Equal("admin@contoso.com", claims.UserPrincipalName);
            Assert.Equal(new[] { "Tenant.ReadWrite.All" }, claims.Scopes);
        }

        [Fact]
        public void V2AppOnlyTokenGivesAzpAndRoles()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(new Dictionary<string, object?>
            {
                ["aud"] = TestTokens.PowerBiServiceAppId,
                ["azp"] = FakePowerBi.ClientId,
                ["idtyp"] = "app",
                ["roles"] = new[] { "Tenant.ReadWrite.All" },
                ["ver"] = "2.0",
            }));

            Assert.Equal("app", claims!.IdentityType);
            Assert.Equal(FakePowerBi.ClientId, claims.AppId);
            Assert.Equal(new[] { "Tenant.ReadWrite.All" }, claims.ForbiddenRoles);
        }

        [Fact]
        public void AppIdWinsOverAzpAndUpnOverTheOtherNames()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(new Dictionary<string, object?>
            {
                ["appid"] = "v1-app",
                ["azp"] = "v2-app",
                ["upn"] = "upn@contoso.com",
                ["preferred_username"] = "preferred@contoso.com",
                ["unique_name"] = "unique@contoso.com",
            }));

            Assert.Equal("v1-app", claims!.AppId);
            Assert.Equal("upn@contoso.com", claims.UserPrincipalName);
        }

        [Theory]
        [InlineData("app", "Tenant.Read.All", "app")]
        [InlineData("user", null, "user")]
        [InlineData("App", null, "app")]
        [InlineData("USER", null, "user")]
        [InlineData(null, "Tenant.Read.All", "user")]
        [InlineData(null, null, "app")]
        public void IdentityTypeComesFromIdtypOrElseFromScp(string? idtyp, string? scp, string expected)
        {
            var payload = new Dictionary<string, object?> { ["tid"] = FakePowerBi.TenantId };
            if (idtyp != null)
            {
                payload["idtyp"] = idtyp;
            }

            if (scp != null)
            {
                payload["scp"] = scp;
            }

            Assert.Equal(expected, TokenClaims.Read(TestTokens.Jwt(payload))!.IdentityType);
        }

        [Fact]
        public void EmptyPayloadGivesClaimsWithNothingSet()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt("{}"));

            Assert.NotNull(claims);
            Assert.Null(claims!.TenantId);
            Assert.Null(claims.AppId);
            Assert.Null(claims.ObjectId);
            Assert.Null(claims.Audience);
            Assert.Null(claims.UserPrincipalName);
            Assert.Null(claims.Version);
            Assert.Null(claims.ExpiresOn);
            Assert.Empty(claims.Roles);
            Assert.Empty(claims.Scopes);
            Assert.Empty(claims.ForbiddenRoles);
            Assert.Equal("app", claims.IdentityType);
        }

        [Fact]
        public void ClaimsOfTheWrongTypeReadAsMissing()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(
                "{\"tid\":{\"nested\":1},\"aud\":[\"a\",\"b\"],\"roles\":\"Tenant.Read.All\",\"scp\":null," +
                "\"exp\":true,\"appid\":null}"));

            Assert.Null(claims!.TenantId);
            Assert.Null(claims.Audience);
            Assert.Null(claims.AppId);
            Assert.Null(claims.ExpiresOn);
            Assert.Empty(claims.Roles);
            Assert.Empty(claims.Scopes);
        }

        [Fact]
        public void RolesKeepOnlyTheirStrings()
        {
            var claims = TokenClaims.Read(TestTokens.Jwt(
                "{\"roles\":[1,\"Tenant.Read.All\",null,{\"x\":1},\"tenant.readwrite.all\"]}"));

            Assert.Equal(new[] { "Tenant.Read.All", "tenant.readwrite.all" }, claims!.Roles);
            Assert.Equal(2, claims.ForbiddenRoles.Count);
        }

        [Theory]
        [InlineData("\"1893553445\"", 1893553445L)]
        [InlineData("1893553445", 1893553445L)]
        [InlineData("\"soon\"", null)]
        [InlineData("\"\"", null)]
        [InlineData("1.5e9", null)]
        [InlineData("1e30", null)]
        [InlineData("99999999999999", null)]
        [InlineData("-99999999999999", null)]
        [InlineData("\"99999999999999\"", null)]
        public void ExpiryIsReadFromNumbersAndNumericStringsAndNeverThrows(string exp, long? seconds)
        {
            var claims = TokenClaims.Read(TestTokens.Jwt("{\"tid\":\"t\",\"exp\":" + exp + "}"));

            Assert.NotNull(claims);
            Assert.Equal("t", claims!.TenantId);
            Assert.Equal(
                seconds.HasValue ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : (DateTimeOffset?)null,
                claims.ExpiresOn);
        }

        [Theory]
        [InlineData("")]
        [InlineData("opaque-token-without-dots")]
        [InlineData("eyJhbGciOiJub25lIn0")]
        [InlineData("a.b")]
        [InlineData("a.b.c.d")]
        [InlineData("....")]
        public void TextThatIsNotThreePartsIsNotAToken(string text)
        {
            Assert.Null(TokenClaims.Read(text));
        }

        [Fact]
        public void ReadablePayloadInTheWrongNumberOfPartsIsStillNotAToken()
        {
            var token = TestTokens.Jwt("{\"tid\":\"t\"}");
            var parts = token.Split('.');

            Assert.Null(TokenClaims.Read(parts[0] + "." + parts[1]));
            Assert.Null(TokenClaims.Read(token + ".more"));

            // An unsigned token keeps its third, empty part.
            Assert.Equal("t", TokenClaims.Read(parts[0] + "." + parts[1] + ".")!.TenantId);
        }

        [Theory]
        [InlineData("eyJhbGciOiJub25lIn0.!!!not*base64!!!.sig")]
        [InlineData("eyJhbGciOiJub25lIn0.abcde.sig")]
        [InlineData("eyJhbGciOiJub25lIn0.a b c.sig")]
        public void PayloadThatIsNotBase64UrlGivesNull(string token)
        {
            Assert.Null(TokenClaims.Read(token));
        }

        [Theory]
        [InlineData("hello, world")]
        [InlineData("{\"tid\":")]
        [InlineData("{'tid':'single quotes'}")]
        [InlineData("[{\"tid\":\"t\"}]")]
        [InlineData("[]")]
        [InlineData("\"a string\"")]
        [InlineData("42")]
        [InlineData("null")]
        [InlineData("")]
        public void PayloadThatIsNotAJsonObjectGivesNull(string payload)
        {
            Assert.Null(TokenClaims.Read(TestTokens.Jwt(payload)));
        }

        [Fact]
        public void ClaimThatIsNotUtf8ReadsAsMissing()
        {
            // {"tid":"<C3 28>","oid":"o"}: the tenant's bytes are no UTF-8, the rest of the payload is sound.
            var bytes = new byte[] { 0x7B, 0x22, 0x74, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x2C }
                .Concat(System.Text.Encoding.UTF8.GetBytes("\"oid\":\"o\"}"))
                .ToArray();

            var claims = TokenClaims.Read("eyJhbGciOiJub25lIn0." + TestTokens.Base64Url(bytes) + ".sig");

            Assert.Null(claims!.TenantId);
            Assert.Equal("o", claims.ObjectId);
        }

        [Fact]
        public void DeeplyNestedPayloadGivesNull()
        {
            var payload = new string('[', 5000) + new string(']', 5000);

            Assert.Null(TokenClaims.Read(TestTokens.Jwt(payload)));
        }

        [Fact]
        public void DamagedTokensNeverThrow()
        {
            // Every single-character change of a real token: each is either read or refused with null.
            var token = TestTokens.Jwt(TestTokens.UserV1(Expiry, "Tenant.Read.All"));
            var alphabet = new[] { '.', '-', '_', '=', '+', '/', '!', 'A', 'z', '0', '\u00e9', '\0' };
            var read = 0;
            var refused = 0;
            for (var index = 0; index < token.Length; index++)
            {
                foreach (var replacement in alphabet)
                {
                    var damaged = token.Substring(0, index) + replacement + token.Substring(index + 1);
                    if (TokenClaims.Read(damaged) is null)
                    {
                        refused++;
                    }
                    else
                    {
                        read++;
                    }
                }
            }

            Assert.True(read > 0, "Changes to the signature leave the payload readable.");
            Assert.True(refused > 0, "Changes that break the payload make it unreadable.");
        }
    }
}
