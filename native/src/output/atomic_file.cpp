#include "output/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

std::string directoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}


// 64 bits no other user can predict, so no one can pre-create the temp name (O_EXCL would
// make that a denial of service, not a hijack). Falls back to clock and pid if the kernel's
// generator is not ready.
std::string unpredictableSuffix() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof(bits), GRND_NONBLOCK) != static_cast<ssize_t>(sizeof(bits))) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    bits = (static_cast<uint64_t>(now.tv_nsec) << 20) ^ static_cast<uint64_t>(now.tv_sec) ^
           (static_cast<uint64_t>(getpid()) << 44);
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(bits));
  return hex;
}

// Creates the temp file beside `path`. O_EXCL|O_NOFOLLOW: a file or symlink planted at the
// name makes the open fail, so the write can never go through a link to another file (the
// profile may be written by a root JVM into a shared /tmp). Mode 0644, less the umask.
int createTemp(const std::string& path, std::string* temp) {
  int fd = -1;
  for (int attempt = 0; attempt < 10 && fd < 0; ++attempt) {
    *temp = path + ".tmp." + unpredictableSuffix();
    fd = open(temp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  return fd;
}

}  // namespace

bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error) {
  return writeFileAtomically(path, [&text](std::string* piece) {
    *piece = text;
    return false;
  }, error);
}

bool writeFileAtomically(const std::string& path, const std::function<bool(std::string*)>& produce,
                         std::string* error) {
  std::string temp;
  int fd = createTemp(path, &temp);
  if (fd < 0) {
    *error = "cannot create " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = true;
  std::string piece;
  for (bool more = true; ok && more;) {
    piece.clear();
    more = produce(&piece);
    ok = writeFully(fd, piece);
  }
  int err = errno;
  if (ok && fsync(fd) != 0) {
    ok = false;
    err = errno;
  }
  if (close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    unlink(temp.c_str());
    *error = "cannot write " + temp + ": " + std::strerror(err);
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    unlink(temp.c_str());
    *error = "cannot rename " + temp + " to " + path + ": " + std::strerror(err);
    return false;
  }
  // Make the rename itself durable.
  int dir = open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return true;
}

bool writeFully(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}
