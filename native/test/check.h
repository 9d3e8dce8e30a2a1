#pragma once

// Minimal checking for the native unit tests: assert() vanishes under NDEBUG (Release),
// these do not. A failed check prints where and what, and the test exits non-zero.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace check {

// Atomic: tests check from several threads at once (and from signal handlers, where a
// lock-free atomic is the only safe counter).
inline std::atomic<int> g_failures{0};

inline int failures() { return g_failures.load(); }

inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "FAILED %s:%d: %s\n", file, line, what.c_str());
  g_failures.fetch_add(1);
}

// Call at the end of main().
inline int finish(const char* testName) {
  if (failures() != 0) {
    std::fprintf(stderr, "%s: %d check(s) failed\n", testName, failures());
    return 1;
  }
  std::printf("%s: all checks passed\n", testName);
  return 0;
}

template <typename A, typename B>
std::string describe(const A& actual, const B& expected) {
  return "got '" + std::to_string(actual) + "', expected '" + std::to_string(expected) + "'";
}
inline std::string describe(const std::string& actual, const std::string& expected) {
  return "got '" + actual + "', expected '" + expected + "'";
}

}  // namespace check

#define CHECK(cond)                                             \
  do {                                                          \
    if (!(cond)) check::fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define CHECK_EQ(actual, expected)                                                        \
  do {                                                                                    \
    auto&& check_a_ = (actual);                                                           \
    auto&& check_e_ = (expected);                                                         \
    if (!(check_a_ == check_e_))                                                          \
      check::fail(__FILE__, __LINE__, #actual ": " + check::describe(check_a_, check_e_)); \
  } while (0)

#define CHECK_STR(actual, expected) CHECK_EQ(std::string(actual), std::string(expected))
