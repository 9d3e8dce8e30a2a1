// Agent option strings from random bytes and from mutations of valid ones, through
// parseOptions, parseDuration, expandFilePattern and findOptionValue: never a crash or
// undefined behaviour (the sanitizer build runs this too), every rejection one non-empty
// line, every acceptance within the documented ranges.
//
// The seed is printed first; JFLAME_FUZZ_SEED=N reruns exactly that sequence.

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check.h"
#include "lifecycle/options.h"

namespace {

constexpr int kCases = 20000;

// splitmix64: small, seedable, the same sequence on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  uint64_t state_;
};

const std::vector<std::string> kValidItems = {
    "event=cpu", "event=ctimer", "event=itimer", "event=wall", "interval=10ms", "interval=10us", "interval=1s",
    "interval=60s", "interval=250000", "depth=1", "depth=65536", "depth=2048", "threads", "lines", "nostate",
    "file=/tmp/x-%p.collapsed", "file=a%%b", "file=out.collapsed", "signal=34", "signal=26",
    "state=running+blocked", "state=waiting", "start", "stop", "dump", "status", "statusfile=/tmp/s",
    "accumulate"};

const std::vector<std::string> kHostileValues = {
    "", "0", "-1", "+1", " 1", "1 ", "1.5ms", "99999999999999999999999", "18446744073709551615",
    "18446744073709551616", "18446744073709551615s", "18446744073709552ms", "18446744073709552us",
    "18446744073710ms", "9223372036854775807ns", "00000000000000000000000010ms", "10mss", "10sm", "ms", "s",
    "ns", "10MS", "1e3us", "0x10ms", "65537", "4294967297", "%", "%%", "%p", "%p%", "%%%", "%q", "%\n",
    "a%pb%pc", "x,y", "=", "==", "+", "++", "running++", "\t", "\r\n", "\x7f", "\xff\xfe", "\xe2\x80\xa8"};

std::string randomBytes(Random& r, size_t maxLen, bool allowNul) {
  std::string s;
  size_t len = r.below(maxLen + 1);
  for (size_t i = 0; i < len; ++i) {
    char c = static_cast<char>(r.below(256));
    if (c == '\0' && !allowNul) c = ',';
    s += c;
  }
  return s;
}

// A valid option string, then a few mutations of it.
std::string mutatedOptions(Random& r) {
  // Distinct keys, so that unmutated strings are mostly accepted.
  std::vector<std::string> items;
  size_t n = 1 + r.below(5);
  for (size_t i = 0; i < n; ++i) {
    std::string item = r.pick(kValidItems);
    std::string key = item.substr(0, item.find('='));
    bool dup = false;
    for (const std::string& have : items) dup = dup || have.substr(0, have.find('=')) == key;
    if (!dup) items.push_back(item);
  }
  int mutations = static_cast<int>(r.below(4));
  for (int m = 0; m < mutations && !items.empty(); ++m) {
    std::string& item = items[r.below(items.size())];
    switch (r.below(9)) {
      case 0: item = item.substr(0, r.below(item.size() + 1)); break;         // truncated
      case 1: items.push_back(items[r.below(items.size())]); break;           // a key twice
      case 2: {                                                               // a hostile value
        size_t eq = item.find('=');
        item = (eq == std::string::npos ? item : item.substr(0, eq)) + "=" + r.pick(kHostileValues);
        break;
      }
      case 3: items.insert(items.begin() + static_cast<long>(r.below(items.size() + 1)), ""); break;  // ,,
      case 4: item.insert(r.below(item.size() + 1), randomBytes(r, 4, false)); break;
      case 5: item += std::string(r.chance(50) ? 300 : 70000, r.chance(50) ? 'x' : '%'); break;  // long
      case 6: item = "file=" + r.pick(kHostileValues) + r.pick(kHostileValues); break;
      case 7: item = "interval=" + r.pick(kHostileValues) + (r.chance(50) ? "ms" : ""); break;
      default: item = randomBytes(r, 12, false); break;
    }
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ",") + items[i];
  return out;
}

std::string shown(const std::string& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 120)) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), c < 0x20 || c >= 0x7f ? "\\x%02x" : "%c", c);
    out += hex;
  }
  return out + (s.size() > 120 ? "...(" + std::to_string(s.size()) + " bytes)" : "");
}

void checkMessage(const char* api, const std::string& input, const std::string& message) {
  if (message.empty() || message.find('\n') != std::string::npos || message.find('\r') != std::string::npos ||
      message.find('\0') != std::string::npos || message.size() > 1000) {
    check::fail(__FILE__, __LINE__, std::string(api) + " gave a message that is not one short line for '" +
                                        shown(input) + "': '" + shown(message) + "'");
  }
}

// The documented grammar of a duration, computed independently: digits, an optional
// unit, a value that fits in 64 bits of nanoseconds.
bool expectedDuration(const std::string& text, uint64_t* ns) {
  static const struct {
    const char* unit;
    unsigned __int128 scale;
  } kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
  std::string digits = text;
  unsigned __int128 scale = 1;
  for (const auto& u : kUnits) {
    std::string unit = u.unit;
    if (text.size() > unit.size() && text.compare(text.size() - unit.size(), unit.size(), unit) == 0) {
      digits = text.substr(0, text.size() - unit.size());
      scale = u.scale;
      break;
    }
  }
  if (digits.empty()) return false;
  unsigned __int128 value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > UINT64_MAX) return false;
  }
  value *= scale;
  if (value > UINT64_MAX) return false;
  *ns = static_cast<uint64_t>(value);
  return true;
}

void fuzzDuration(const std::string& text) {
  uint64_t ns = 0, expected = 0;
  std::string why;
  bool ok = parseDuration(text, &ns, &why);
  bool want = expectedDuration(text, &expected);
  if (ok != want || (ok && ns != expected)) {
    check::fail(__FILE__, __LINE__, "parseDuration('" + shown(text) + "') = " + (ok ? std::to_string(ns) : "error") +
                                        ", expected " + (want ? std::to_string(expected) : "error"));
  }
  if (!ok) checkMessage("parseDuration", text, why);
}

void fuzzFilePattern(const std::string& pattern) {
  std::string out, why;
  bool ok = expandFilePattern(pattern, 4242, &out, &why);
  bool valid = true;
  size_t expectedSize = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      ++expectedSize;
    } else if (i + 1 < pattern.size() && (pattern[i + 1] == 'p' || pattern[i + 1] == '%')) {
      expectedSize += pattern[i + 1] == 'p' ? 4 : 1;
      ++i;
    } else {
      valid = false;
      break;
    }
  }
  if (ok != valid || (ok && out.size() != expectedSize)) {
    check::fail(__FILE__, __LINE__, "expandFilePattern('" + shown(pattern) + "') gave " +
                                        (ok ? "'" + shown(out) + "'" : "an error"));
  }
  if (!ok) checkMessage("expandFilePattern", pattern, why);
}

void fuzzOptions(const std::string& text) {
  Options o;
  std::string error;
  if (!parseOptions(text.c_str(), &o, &error)) {
    checkMessage("parseOptions", text, error);
    return;
  }
  std::string expanded, why;
  bool inRange = o.intervalNs >= kMinIntervalNs && o.intervalNs <= kMaxIntervalNs && o.depth >= 1 &&
                 o.depth <= kMaxDepth && o.signal >= 0 && o.signal < 64 && !o.file.empty() &&
                 (o.states & ~kAllThreadStates) == 0 && expandFilePattern(o.file, 1, &expanded, &why) &&
                 (text.empty() || (text.find(",,") == std::string::npos && text.front() != ',' && text.back() != ','));
  if (!inRange) check::fail(__FILE__, __LINE__, "parseOptions accepted '" + shown(text) + "' out of range");
  if (describeSampling(o).empty()) check::fail(__FILE__, __LINE__, "describeSampling is empty");
}

void fuzzFindOptionValue(const std::string& text, Random& r) {
  static const std::vector<std::string> kKeys = {"statusfile", "file", "event", "", "=", "x"};
  std::string value = findOptionValue(text.c_str(), r.pick(kKeys));
  // Whatever it returns is a piece of an item, so never longer than the text.
  if (value.size() > text.size()) check::fail(__FILE__, __LINE__, "findOptionValue grew '" + shown(text) + "'");
}

}  // namespace

int main() {
  uint64_t seed = 0;
  if (const char* given = std::getenv("JFLAME_FUZZ_SEED")) {
    seed = std::strtoull(given, nullptr, 10);
  } else {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    seed = (static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec)) ^
           (static_cast<uint64_t>(getpid()) << 40);
  }
  std::printf("options_fuzz_test: seed %llu (rerun with JFLAME_FUZZ_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  Random r(seed);
  int accepted = 0, cases = 0;
  for (; cases < kCases && check::failures() < 20; ++cases) {
    std::string text;
    switch (r.below(4)) {
      case 0: text = randomBytes(r, 40, false); break;
      case 1:
      case 2: text = mutatedOptions(r); break;
      default: text = r.pick(kValidItems) + "," + randomBytes(r, 8, false); break;
    }
    if (!text.empty() && text.find(",,") == std::string::npos) {
      Options o;
      std::string error;
      if (parseOptions(text.c_str(), &o, &error)) ++accepted;
    }
    fuzzOptions(text);
    fuzzFindOptionValue(text, r);
    // The std::string APIs take embedded NULs too.
    std::string value = r.chance(30) ? randomBytes(r, 24, true) : r.pick(kHostileValues) + randomBytes(r, 2, true);
    if (r.chance(50)) value = r.pick(kHostileValues) + (r.chance(50) ? r.pick(kHostileValues) : "");
    fuzzDuration(value);
    fuzzDuration(value + r.pick(std::vector<std::string>{"ns", "us", "ms", "s", ""}));
    fuzzFilePattern(value);
    if (text.find('=') != std::string::npos) fuzzFilePattern(text.substr(text.find('=') + 1));
  }
  std::printf("options_fuzz_test: %d cases, %d option strings accepted\n", cases, accepted);
  if (check::failures() != 0) std::fprintf(stderr, "reproduce with JFLAME_FUZZ_SEED=%llu\n",
                                           static_cast<unsigned long long>(seed));
  return check::finish("options_fuzz_test");
}
