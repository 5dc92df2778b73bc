using System;
using System.IO;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// Reads a file the caller named in a parameter (a certificate, a federated token), turning every way it can
    /// fail into a parameter error that names the parameter and the file.
    /// </summary>
    internal static class InputFile
    {
        /// <summary>The file's bytes.</summary>
        public static byte[] ReadAllBytes(string path, string errorId, string parameter, string unreadable)
        {
            return Read(path, errorId, parameter, unreadable, File.ReadAllBytes);
        }

        /// <summary>The file's text, its byte order mark and surrounding whitespace removed.</summary>
        public static string ReadTrimmedText(string path, string errorId, string parameter, string unreadable)
        {
            return Read(path, errorId, parameter, unreadable, file => File.ReadAllText(file).Trim());
        }

        private static T Read<T>(string path, string errorId, string parameter, string unreadable, Func<string, T> read)
        {
            // Reading a folder fails as "access denied" on some platforms, which would send the admin to the
            // file's permissions; say what it is instead.
            if (Directory.Exists(path))
            {
                throw new PreflightArgumentException(
                    errorId, parameter, Messages.Format(unreadable, path, "it is a folder, not a file."));
            }

            try
            {
                return read(path);
            }
            catch (Exception error) when (error is IOException || error is UnauthorizedAccessException ||
                error is ArgumentException || error is NotSupportedException)
            {
                throw new PreflightArgumentException(
                    errorId, parameter, Messages.Format(unreadable, path, error.Message));
            }
        }
    }
}
