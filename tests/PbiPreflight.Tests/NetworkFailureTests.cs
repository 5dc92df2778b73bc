using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using PbiPreflight.Http;
using Xunit;

namespace PbiPreflight.Tests
{
    public class NetworkFailureTests
    {
        private static readonly Uri Target = new Uri("https://api.test/");

        [Fact]
        public void DetailKeepsEachCauseOnceAndTheInnermostThatSaysMore()
        {
            var socket = new SocketException((int)SocketError.ConnectionRefused);
            var error = new HttpRequestException(
                socket.Message + " (127.0.0.1:1)",
                new IOException("The handshake was cut.", socket));

            var detail = PbiPreflight.Diagnosis.Verdicts.Describe(error);

            Assert.Equal(socket.Message + " (127.0.0.1:1) The handshake was cut.", detail);
        }

        [Theory]
        [InlineData(SocketError.HostNotFound, "NameResolutionFailed")]
        [InlineData(SocketError.TryAgain, "NameResolutionFailed")]
        [InlineData(SocketError.ConnectionRefused, "ConnectionRefused")]
        [InlineData(SocketError.ConnectionReset, "ConnectionReset")]
        [InlineData(SocketError.TimedOut, "RequestTimedOut")]
        public void SocketErrorsAreNamedByTheirCode(SocketError code, string reason)
        {
            var error = new HttpRequestException("wording that differs by language", new SocketException((int)code));

            Assert.Equal(reason, NetworkFailure.Classify(error, null, Target)!.Reason);
        }

        [Theory]
        [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch, "TlsNameMismatch")]
        [InlineData(SslPolicyErrors.RemoteCertificateChainErrors, "TlsUntrustedRoot")]
        public void TlsFailuresAreNamedFromWhatTheValidatorSaw(SslPolicyErrors errors, string reason)
        {
            var observer = new TlsObserver();
            var accepted = observer.Validate(new HttpRequestMessage(HttpMethod.Get, Target), null, null, errors);
            var error = new HttpRequestException("SSL failed", new AuthenticationException("remote certificate"));

            Assert.False(accepted);
            Assert.Equal(reason, NetworkFailure.Classify(error, observer, Target)!.Reason);
        }

        [Fact]
        public void ValidationThePlatformAcceptsStaysAccepted()
        {
            var observer = new TlsObserver();

            Assert.True(observer.Validate(new HttpRequestMessage(HttpMethod.Get, Target), null, null,
                SslPolicyErrors.None));
            Assert.Null(observer.ProblemFor(Target.Host));
        }

        [Fact]
        public void HandshakeThatFailsBeforeAnyCertificateIsAProtocolMismatch()
        {
            var error = new HttpRequestException("SSL failed", new AuthenticationException("handshake"));

            Assert.Equal("TlsHandshakeFailed", NetworkFailure.Classify(error, new TlsObserver(), Target)!.Reason);
        }

        [Fact]
        public void ProxyTunnelRefusedWith407AsksForProxyCredentials()
        {
            var error = new HttpRequestException("tunnel failed", null, HttpStatusCode.ProxyAuthenticationRequired);

            Assert.Equal("ProxyAuthenticationRequired", NetworkFailure.Classify(error, null, Target)!.Reason);
        }

        [Fact]
        public void TimeOutsAndResetsAreNamed()
        {
            Assert.Equal(
                "RequestTimedOut",
                NetworkFailure.Classify(new Polly.Timeout.TimeoutRejectedException("late"), null, Target)!.Reason);
            Assert.Equal(
                "ConnectionReset",
                NetworkFailure.Classify(new HttpRequestException("x", new IOException("reset")), null, Target)!.Reason);
        }

        [Fact]
        public void FailureWithNoKnownStructureIsLeftToTheCaller()
        {
            Assert.Null(NetworkFailure.Classify(new HttpRequestException("something else"), null, Target));
        }
    }
}
