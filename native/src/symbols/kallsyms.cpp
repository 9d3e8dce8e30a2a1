#include "symbols/kallsyms.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace {

// Read size for /proc/kallsyms: the kernel fills it a line at a time, so bigger buffers
// save only system calls; this one stays a few pages of the caller's memory.
constexpr size_t kReadBytes = 128 * 1024;

// Room reserved up front for a typical kernel (about 120k text symbols, 3 MB of names):
// a vector or string that doubles would copy and fault in twice the memory, which in a
// VM costs more than the parsing itself.
constexpr size_t kTypicalSymbols = 160 * 1024;
constexpr size_t kTypicalNameBytes = 4 * 1024 * 1024;

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool Kallsyms::load(const std::string& path, std::string* why) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = "cannot read " + path;
    return false;
  }
  clear();
  // Parsed a buffer at a time: the whole text (5 MB) is never held, nor copied.
  std::unique_ptr<char[]> buffer(new char[kReadBytes]);
  size_t kept = 0;  // bytes of an unfinished line carried to the front
  bool failed = false;
  for (;;) {
    ssize_t got = read(fd, buffer.get() + kept, kReadBytes - kept);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      failed = true;
      break;
    }
    size_t filled = kept + static_cast<size_t>(got);
    size_t pos = 0;
    for (;;) {
      const void* nl = std::memchr(buffer.get() + pos, '\n', filled - pos);
      if (nl == nullptr) break;
      size_t end = static_cast<size_t>(static_cast<const char*>(nl) - buffer.get());
      addLine(buffer.get() + pos, end - pos);
      pos = end + 1;
    }
    kept = filled - pos;
    if (got == 0) {
      if (kept > 0) addLine(buffer.get() + pos, kept);  // a last line without '\n'
      break;
    }
    if (kept == kReadBytes) kept = 0;  // a line longer than the buffer: not a symbol, dropped
    if (kept > 0) std::memmove(buffer.get(), buffer.get() + pos, kept);
  }
  close(fd);
  finish();
  if (failed) {
    release();
    *why = "cannot read " + path;
    return false;
  }
  if (!named()) {
    release();
    *why = path + " shows no addresses (kernel.kptr_restrict, or no CAP_SYSLOG)";
    return false;
  }
  return true;
}

void Kallsyms::parse(const std::string& text) {
  clear();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    addLine(text.data() + pos, end - pos);
    pos = end + 1;
  }
  finish();
}

void Kallsyms::clear() {
  entries_.clear();
  names_.clear();
  entries_.reserve(kTypicalSymbols);
  names_.reserve(kTypicalNameBytes);
}

void Kallsyms::release() {
  entries_ = std::vector<Entry>();
  names_ = std::string();
}

void Kallsyms::addLine(const char* line, size_t length) {
  // "ffffffff81000000 T _text" or "ffffffffc0a01000 t foo\t[module]"
  uint64_t address = 0;
  size_t at = 0;
  for (int digit; at < length && (digit = hexDigit(line[at])) >= 0; ++at) {
    address = address << 4 | static_cast<uint64_t>(digit);
  }
  if (address == 0 || at + 3 >= length || line[at] != ' ' || line[at + 2] != ' ') return;
  // Text symbols only (t, T, w, W): data symbols would split functions in two.
  char type = line[at + 1];
  if (type != 't' && type != 'T' && type != 'w' && type != 'W') return;
  const char* name = line + at + 3;
  size_t rest = length - at - 3;
  const void* tab = std::memchr(name, '\t', rest);
  size_t nameLength = tab != nullptr ? static_cast<size_t>(static_cast<const char*>(tab) - name) : rest;
  entries_.push_back(Entry{address, static_cast<uint32_t>(names_.size())});
  names_.append(name, nameLength);
  if (tab != nullptr) {
    names_ += ' ';
    names_.append(name + nameLength + 1, rest - nameLength - 1);
  }
  names_ += '\0';
}

void Kallsyms::finish() {
  // Aliases share an address (_stext, _text): the first in file order names it, which is
  // the one the kernel lists first; stable_sort keeps that order. The kernel lists its
  // own symbols in address order, so the sort mostly finds sorted runs.
  auto byStart = [](const Entry& a, const Entry& b) { return a.start < b.start; };
  if (!std::is_sorted(entries_.begin(), entries_.end(), byStart)) {
    std::stable_sort(entries_.begin(), entries_.end(), byStart);
  }
  auto sameStart = [](const Entry& a, const Entry& b) { return a.start == b.start; };
  entries_.erase(std::unique(entries_.begin(), entries_.end(), sameStart), entries_.end());
}

// What the table holds, not what was reserved: reserved pages never written cost nothing.
size_t Kallsyms::bytes() const { return entries_.size() * sizeof(Entry) + names_.size(); }

uint64_t Kallsyms::functionStart(uint64_t pc) const {
  // upper_bound over a plain array: no allocation, safe in the handler.
  size_t lo = 0, hi = entries_.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (entries_[mid].start <= pc) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return 0;
  uint64_t start = entries_[lo - 1].start;
  if (lo == entries_.size() && pc - start > kMaxFunctionBytes) return 0;
  return start;
}

std::string Kallsyms::nameOf(uint64_t start) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), start,
                             [](const Entry& e, uint64_t value) { return e.start < value; });
  if (it == entries_.end() || it->start != start) return std::string();
  return std::string(names_.c_str() + it->name);
}
