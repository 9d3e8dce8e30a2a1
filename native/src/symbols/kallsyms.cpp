#include "symbols/kallsyms.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

bool Kallsyms::load(const std::string& path, std::string* why) {
  std::ifstream in(path);
  if (!in) {
    *why = "cannot read " + path;
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  parse(text.str());
  if (!named()) {
    *why = path + " shows no addresses (kernel.kptr_restrict, or no CAP_SYSLOG)";
    return false;
  }
  return true;
}

void Kallsyms::parse(const std::string& text) {
  struct Entry {
    uint64_t start;
    uint32_t name;
  };
  std::vector<Entry> entries;
  std::string names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    // "ffffffff81000000 T _text" or "ffffffffc0a01000 t foo\t[module]"
    const char* line = text.c_str() + pos;
    char* after = nullptr;
    uint64_t address = std::strtoull(line, &after, 16);
    size_t at = static_cast<size_t>(after - text.c_str());
    if (address != 0 && at + 3 < end && text[at] == ' ' && text[at + 2] == ' ') {
      // Text symbols only (t, T, w, W): data symbols would split functions in two.
      char type = text[at + 1];
      if (type == 't' || type == 'T' || type == 'w' || type == 'W') {
        size_t nameStart = at + 3;
        // Bounded to the line: an unbounded find would scan the whole text for each one.
        const void* found = std::memchr(text.data() + nameStart, '\t', end - nameStart);
        size_t tab = found != nullptr ? static_cast<size_t>(static_cast<const char*>(found) - text.data()) : end;
        std::string name = text.substr(nameStart, tab - nameStart);
        if (tab < end) name += " " + text.substr(tab + 1, end - tab - 1);
        entries.push_back(Entry{address, static_cast<uint32_t>(names.size())});
        names += name;
        names += '\0';
      }
    }
    pos = end + 1;
  }
  // Aliases share an address (_stext, _text): the first in file order names it, which is
  // the one the kernel lists first; stable_sort keeps that order.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.start < b.start; });
  starts_.clear();
  nameAt_.clear();
  for (const Entry& e : entries) {
    if (!starts_.empty() && starts_.back() == e.start) continue;
    starts_.push_back(e.start);
    nameAt_.push_back(e.name);
  }
  names_ = std::move(names);
}

size_t Kallsyms::bytes() const {
  return starts_.capacity() * sizeof(uint64_t) + nameAt_.capacity() * sizeof(uint32_t) + names_.capacity();
}

uint64_t Kallsyms::functionStart(uint64_t pc) const {
  // upper_bound over a plain array: no allocation, safe in the handler.
  size_t lo = 0, hi = starts_.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (starts_[mid] <= pc) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return 0;
  uint64_t start = starts_[lo - 1];
  if (lo == starts_.size() && pc - start > kMaxFunctionBytes) return 0;
  return start;
}

std::string Kallsyms::nameOf(uint64_t start) const {
  auto it = std::lower_bound(starts_.begin(), starts_.end(), start);
  if (it == starts_.end() || *it != start) return std::string();
  return std::string(names_.c_str() + nameAt_[static_cast<size_t>(it - starts_.begin())]);
}
