#include "symbols/readable_name.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Drops trailing " [clone .cold]", " [clone .constprop.0]" and the like (possibly several).
std::string_view withoutCloneSuffixes(std::string_view name) {
  while (endsWith(name, "]")) {
    size_t at = name.rfind(" [clone ");
    if (at == std::string_view::npos) break;
    name = name.substr(0, at);
  }
  return name;
}

// Drops cv/ref/noexcept qualifiers of a member function, which follow its parameter list.
std::string_view withoutTrailingQualifiers(std::string_view name) {
  static const std::string_view kQualifiers[] = {" const", " volatile", " &&", " &", " noexcept",
                                                  " transaction_safe"};
  bool dropped = true;
  while (dropped) {
    dropped = false;
    for (std::string_view q : kQualifiers) {
      if (endsWith(name, q)) {
        name.remove_suffix(q.size());
        dropped = true;
      }
    }
  }
  return name;
}

// Index of the '(' matching the ')' at `close`, or npos.
size_t matchingOpen(std::string_view s, size_t close) {
  int depth = 0;
  for (size_t i = close + 1; i-- > 0;) {
    if (s[i] == ')') ++depth;
    if (s[i] == '(' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// A function template's demangled name starts with its return type ("void ns::f<int>"):
// the name proper begins after the last space that is outside brackets, before any
// `operator` (whose spelling may contain spaces: "operator new", "operator unsigned int").
std::string_view withoutReturnType(std::string_view name) {
  size_t limit = name.size();
  int depth = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && name.compare(i, 8, "operator") == 0 &&
        (i == 0 || name[i - 1] == ':' || name[i - 1] == ' ')) {
      limit = i;
      break;
    }
  }
  depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < limit; ++i) {
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && c == ' ') start = i + 1;
  }
  return name.substr(start);
}

}  // namespace

std::string withoutParameters(std::string_view demangled) {
  std::string_view name = withoutTrailingQualifiers(withoutCloneSuffixes(demangled));
  if (!endsWith(name, ")")) return std::string(withoutReturnType(name));
  size_t open = matchingOpen(name, name.size() - 1);
  if (open == std::string_view::npos || open == 0) return std::string(demangled);
  return std::string(withoutReturnType(name.substr(0, open)));
}

std::string readableSymbolName(std::string_view linkerName) {
  if (linkerName.size() < 3 || linkerName.substr(0, 2) != "_Z") return std::string(linkerName);
  std::string mangled(linkerName);
  int status = 0;
  std::unique_ptr<char, FreeDeleter> demangled(
      abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status));
  if (status != 0 || demangled == nullptr) return mangled;
  return withoutParameters(demangled.get());
}
