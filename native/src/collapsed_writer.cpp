#include "collapsed_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace {

std::string directoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool writeAll(int fd, const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string CollapsedWriter::sanitize(const std::string& frame) {
  std::string out = frame;
  for (char& c : out) {
    if (c == ';' || c == '\n' || c == '\r') c = '_';
  }
  return out;
}

void CollapsedWriter::add(const std::vector<std::string>& rootFirst, uint64_t count) {
  if (count == 0 || rootFirst.empty()) return;
  std::string line;
  for (const std::string& frame : rootFirst) {
    if (!line.empty()) line += ';';
    line += sanitize(frame);
  }
  stacks_[line] += count;
  samples_ += count;
}

std::string CollapsedWriter::render(const Header& header) const {
  std::string out;
  out += "# jflame: 1\n";
  out += "# event: " + sanitize(header.event) + "\n";
  out += "# units: samples\n";
  out += "# interval_ns: " + std::to_string(header.intervalNs) + "\n";
  out += "# duration_ms: " + std::to_string(header.durationMs) + "\n";
  out += "# jvm: " + sanitize(header.jvm) + "\n";
  out += "# samples: " + std::to_string(samples_) + "\n";
  out += "# drops: " + std::to_string(header.drops) + "\n";
  out += "# failed_walks: " + sanitize(header.failedWalks) + "\n";
  out += "# handler_ns_mean: " + std::to_string(header.handlerNsMean) + "\n";
  for (const auto& kv : header.extra) out += "# " + sanitize(kv.first) + ": " + sanitize(kv.second) + "\n";
  for (const auto& stack : stacks_) {
    out += stack.first;
    out += ' ';
    out += std::to_string(stack.second);
    out += '\n';
  }
  return out;
}

bool CollapsedWriter::write(const std::string& path, const Header& header, std::string* error) const {
  const std::string text = render(header);
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot create " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = writeAll(fd, text);
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
