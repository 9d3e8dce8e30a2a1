#pragma once

#include <functional>
#include <string>

// Writes `text` to `path` so that readers see the old file or the whole new one, never a
// part: written to a new file PATH.tmp.RANDOM in the same directory (O_EXCL, never through
// a symlink; mode 0644 less the umask), fsync'ed, renamed over PATH. The
// profile and the attach status file both travel this way, since the CLI on the other
// side of an attach polls for them. False with *error (naming the path and the system
// error) on failure; the target path is then left as it was.
bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error);

// The same for text made piece by piece, so that a large file never has to be in memory
// at once: `produce` appends the next piece to its (empty) string and returns false when
// that piece was the last.
bool writeFileAtomically(const std::string& path, const std::function<bool(std::string*)>& produce,
                         std::string* error);

// Writes all of `bytes` to `fd`, through short writes and EINTR. False on any other error.
bool writeFully(int fd, const std::string& bytes);
