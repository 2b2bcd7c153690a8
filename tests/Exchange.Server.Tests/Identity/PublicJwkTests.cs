using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Server.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Server.Tests.Identity;

public class PublicJwkTests
{
    [Fact]
    public void Public_rsa_key_is_accepted()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var key = PublicJwk.Parse(Json(new { kty = "RSA", kid = "k1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) }), out var error);
        Assert.Null(error);
        Assert.Equal("k1", key!.KeyId);
    }

    [Fact]
    public void Key_with_private_parameters_is_refused()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(true);
        Assert.Null(PublicJwk.Parse(Json(new { kty = "RSA", kid = "k1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent), d = Base64UrlEncoder.Encode(p.D) }), out var error));
        Assert.Contains("private", error);
    }

    [Fact]
    public void Short_rsa_key_is_refused()
    {
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        Assert.Null(PublicJwk.Parse(Json(new { kty = "RSA", kid = "k1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) }), out var error));
        Assert.Contains("2048", error);
    }

    [Fact]
    public void Ec_key_on_p256_is_accepted_and_unknown_curve_refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        Assert.NotNull(PublicJwk.Parse(Json(new { kty = "EC", kid = "e1", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) }), out _));
        Assert.Null(PublicJwk.Parse(Json(new { kty = "EC", kid = "e1", crv = "secp256k1", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) }), out _));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"kty\":\"RSA\"}")]
    [InlineData("{\"kty\":\"oct\",\"kid\":\"x\"}")]
    public void Malformed_keys_are_refused_with_a_reason(string json)
    {
        Assert.Null(PublicJwk.Parse(json, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}

public class PublicJwkMalformedInputTests
{
    [Theory]
    [InlineData("{\"kty\":\"RSA\",\"kid\":\"a\",\"kid\":\"b\",\"n\":\"AQAB\",\"e\":\"AQAB\"}")]
    [InlineData("{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"!!!not base64url!!!\",\"e\":\"AQAB\"}")]
    [InlineData("{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":42,\"e\":\"AQAB\"}")]
    [InlineData("{\"kty\":\"EC\",\"kid\":\"a\",\"crv\":\"P-256\",\"x\":\"%%\",\"y\":\"AQAB\"}")]
    [InlineData("{\"kty\":\"EC\",\"kid\":\"a\",\"crv\":\"P-256\",\"x\":\"AQAB\",\"y\":\"AQAB\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"kty\":")]
    public void Malformed_key_is_refused_with_a_reason_and_never_throws(string json)
    {
        Assert.Null(PublicJwk.Parse(json, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Duplicated_member_is_refused_for_itself_not_for_a_weak_key()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var json = $"{{\"kty\":\"RSA\",\"kid\":\"a\",\"kid\":\"b\",\"n\":\"{Base64UrlEncoder.Encode(p.Modulus)}\",\"e\":\"{Base64UrlEncoder.Encode(p.Exponent)}\"}}";
        Assert.Null(PublicJwk.Parse(json, out var error));
        Assert.Contains("each member once", error);
    }

    [Fact]
    public void Public_ec_key_on_its_curve_is_accepted()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        var json = System.Text.Json.JsonSerializer.Serialize(new { kty = "EC", kid = "e1", crv = "P-256", x = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.X), y = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.Y) });
        Assert.Equal("e1", PublicJwk.Parse(json, out _)!.KeyId);
    }
}
