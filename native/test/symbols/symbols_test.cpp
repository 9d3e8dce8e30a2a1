#include "symbols/symbols.h"

#include "check.h"

namespace {

void classSignaturesBecomeDottedNames() {
  CHECK_STR(Symbols::javaClassName("Ljava/lang/String;"), "java.lang.String");
  CHECK_STR(Symbols::javaClassName("LMain;"), "Main");
  CHECK_STR(Symbols::javaClassName("Lpkg/Outer$Inner;"), "pkg.Outer$Inner");
  // Hidden classes: JVMTI gives "Lpkg/Main$$Lambda/0x...;" with the last '/' as '.'.
  CHECK_STR(Symbols::javaClassName("Lpkg/Main$$Lambda$14.0x0000000800c0b238;"),
            "pkg.Main$$Lambda$14.0x0000000800c0b238");
  CHECK_STR(Symbols::javaClassName(nullptr), "");
}

void bciMapsToTheLineOfTheEnclosingEntry() {
  std::vector<std::pair<int64_t, int>> table = {{0, 10}, {4, 11}, {9, 14}, {20, 12}};
  CHECK_EQ(Symbols::lineOf(table, 0), 10);
  CHECK_EQ(Symbols::lineOf(table, 3), 10);
  CHECK_EQ(Symbols::lineOf(table, 4), 11);
  CHECK_EQ(Symbols::lineOf(table, 19), 14);
  CHECK_EQ(Symbols::lineOf(table, 500), 12);
  // Unordered tables (as javac emits for loops) work too.
  std::vector<std::pair<int64_t, int>> unordered = {{9, 14}, {0, 10}, {4, 11}};
  CHECK_EQ(Symbols::lineOf(unordered, 5), 11);
  CHECK_EQ(Symbols::lineOf({}, 5), -1);
  CHECK_EQ(Symbols::lineOf({{3, 7}}, 1), -1);
}

void pseudoFramesAreNamed() {
  Symbols symbols(nullptr, nullptr, false, [](int tid) {
    return tid == 42 ? std::string("GC Thread#0") : std::string();
  });
  CHECK_STR(symbols.frameName({42, 0, FrameKind::kThreadSelf}), "[GC Thread#0]");
  CHECK_STR(symbols.frameName({43, 0, FrameKind::kThreadSelf}), "[tid=43]");
  CHECK_STR(symbols.frameName({42, 0, FrameKind::kThreadRoot}), "[GC Thread#0 tid=42]");
  CHECK_STR(symbols.frameName({43, 0, FrameKind::kThreadRoot}), "[tid=43]");
  CHECK_STR(symbols.frameName({0, 0, FrameKind::kTruncated}), "[truncated]");
  CHECK_STR(symbols.frameName({2, 0, FrameKind::kWalkFailure}), "[gc_active]");
  CHECK_STR(symbols.frameName({11, 0, FrameKind::kWalkFailure}), "[crashed_walk]");
  CHECK_STR(symbols.frameName({0, 0, FrameKind::kJava}), "[unknown_method]");
}

void everyAgctCodeHasItsName() {
  const char* expected[] = {"no_class_load", "gc_active", "unknown_not_Java", "not_walkable_not_Java",
                            "unknown_Java", "not_walkable_Java", "unknown_state", "thread_exit",
                            "deopt", "safepoint"};
  for (int code = -1; code >= -10; --code) {
    CHECK_STR(walkFailureName(walkFailureFromAgct(code)), expected[-code - 1]);
  }
  CHECK_STR(walkFailureName(walkFailureFromAgct(-11)), "unknown_failure");
}

void offCpuStateComesFromTheLeafMethod() {
  CHECK(Symbols::offCpuState("java.lang.Thread.sleep", true) == ThreadState::kSleeping);
  CHECK(Symbols::offCpuState("java.lang.Thread.sleep0", true) == ThreadState::kSleeping);
  CHECK(Symbols::offCpuState("java.lang.Thread.sleepNanos0", true) == ThreadState::kSleeping);
  CHECK(Symbols::offCpuState("java.lang.Object.wait0", true) == ThreadState::kWaiting);
  CHECK(Symbols::offCpuState("jdk.internal.misc.Unsafe.park", true) == ThreadState::kWaiting);
  CHECK(Symbols::offCpuState("sun.nio.ch.Net.poll", true) == ThreadState::kSleeping);
  CHECK(Symbols::offCpuState("app.Counter.increment", false) == ThreadState::kBlocked);
  CHECK_STR(threadStateName(ThreadState::kBlocked), "blocked");
}

void wallStateFramesAreNamedFromTheKernelLetterAlone() {
  Symbols symbols(nullptr, nullptr, false, [](int) { return std::string(); });
  CHECK_STR(symbols.frameName({'R', 0, FrameKind::kThreadState}), "[running]");
  CHECK_STR(symbols.frameName({'S', 0, FrameKind::kThreadState}), "[sleeping]");
  Frame running[] = {{'R', 0, FrameKind::kThreadState}};
  CHECK(symbols.threadState(running, 1) == ThreadState::kRunning);
  Frame noJava[] = {{'D', 0, FrameKind::kThreadState}, {3, 0, FrameKind::kWalkFailure}};
  CHECK(symbols.threadState(noJava, 2) == ThreadState::kSleeping);
}

}  // namespace

int main() {
  offCpuStateComesFromTheLeafMethod();
  wallStateFramesAreNamedFromTheKernelLetterAlone();
  classSignaturesBecomeDottedNames();
  bciMapsToTheLineOfTheEnclosingEntry();
  pseudoFramesAreNamed();
  everyAgctCodeHasItsName();
  return check::finish("symbols_test");
}
