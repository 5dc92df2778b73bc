using System;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// A call needed a token and none could be had, typically when a renewal after <c>TokenExpired</c> or during
    /// a propagation wait was refused. It travels as the call's failure and is judged like one.
    /// </summary>
    internal sealed class TokenUnavailableException : Exception
    {
        public TokenUnavailableException(string reason)
            : base(reason)
        {
        }
    }
}
