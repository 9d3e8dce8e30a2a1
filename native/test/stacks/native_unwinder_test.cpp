#include "stacks/native_unwinder.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"

extern "C" int fp_chain_a(const volatile int* stop);
extern "C" int nofp_chain_a(const volatile int* stop);
extern "C" int fp_chain_recurse(int n, const volatile int* stop);

namespace {

constexpr int kMaxDepth = 128;

// What the SIGPROF handler does, set up before the timer runs. Plain globals: the
// handler may only touch memory that is already there.
struct Capture {
  CodeMap* map = nullptr;
  StackBounds bounds;
  UnwindMode mode = UnwindMode::kDwarf;
  uint32_t acceptLibrary = 0;                // 0: any pc in known code
  const volatile int* requireFlag = nullptr;  // if set, only while *flag != 0
  int perfIterations = 0;                     // > 0: time this many walks (depth 10)
  volatile int stop = 0;
  volatile int done = 0;
  NativeWalk walk;
  uintptr_t pcs[kMaxDepth] = {};
  NativeWalk frameWalk;  // the same stack by walkNativeFrames
  Frame frames[kMaxDepth] = {};
  long long perfNanos = 0;
};
Capture g;

long long nowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void onSignal(int, siginfo_t*, void* context) {
  if (g.done) return;
  NativeRegisters regs = registersFromContext(context);
  const CodeRange* range = g.map->find(regs.pc);
  if (range == nullptr || (g.acceptLibrary != 0 && range->libraryId != g.acceptLibrary)) return;
  if (g.requireFlag != nullptr && *g.requireFlag == 0) return;
  WalkLimits limits;
  limits.maxDepth = kMaxDepth;
  g.walk = walkNativeStack(*g.map, regs, g.mode, g.bounds, limits, g.pcs);
  g.frameWalk = walkNativeFrames(*g.map, regs, g.mode, g.bounds, limits, g.frames);
  if (g.perfIterations > 0) {
    limits.maxDepth = 10;
    uintptr_t pcs[10];
    long long begin = nowNanos();
    for (int i = 0; i < g.perfIterations; ++i) walkNativeStack(*g.map, regs, g.mode, g.bounds, limits, pcs);
    g.perfNanos = nowNanos() - begin;
  }
  g.done = 1;
  g.stop = 1;
}

StackBounds currentThreadStack() {
  pthread_attr_t attr;
  StackBounds bounds;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* address = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attr, &address, &size);
    bounds.low = reinterpret_cast<uintptr_t>(address);
    bounds.high = bounds.low + size;
    pthread_attr_destroy(&attr);
  }
  return bounds;
}

void armTimer(bool on) {
  itimerval timer{};
  if (on) timer.it_interval.tv_usec = timer.it_value.tv_usec = 1000;
  setitimer(ITIMER_PROF, &timer, nullptr);
}

void prepare(CodeMap* map, UnwindMode mode, uint32_t acceptLibrary) {
  g.map = map;
  g.bounds = currentThreadStack();
  g.mode = mode;
  g.acceptLibrary = acceptLibrary;
  g.requireFlag = nullptr;
  g.perfIterations = 0;
  g.stop = 0;
  g.done = 0;
  g.walk = NativeWalk();
}

std::vector<std::string> names(const CodeMap& map, const NativeWalk& walk, const uintptr_t* pcs) {
  std::vector<std::string> result;
  for (int i = 0; i < walk.depth; ++i) {
    const CodeRange* range = map.find(pcs[i]);
    result.push_back(range == nullptr ? "?" : map.describe(range->libraryId, pcs[i] - range->loadBias).function);
  }
  return result;
}

void print(const char* title, const std::vector<std::string>& frames, const NativeWalk& walk) {
  std::printf("%s: %d frames, ended: %s\n", title, walk.depth, walkEndName(walk.end));
  for (const std::string& frame : frames) std::printf("    %s\n", frame.c_str());
}

int indexOf(const std::vector<std::string>& frames, const std::string& name) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

uint32_t libraryOf(const CodeMap& map, const void* code) {
  const CodeRange* range = map.find(reinterpret_cast<uintptr_t>(code));
  return range == nullptr ? 0 : range->libraryId;
}

// walkNativeFrames keys each frame by the range and row it found; the keys must be those
// a lookup of each pc from walkNativeStack gives.
void framesAgreeWithPcs(const CodeMap& map) {
  CHECK_EQ(g.frameWalk.depth, g.walk.depth);
  CHECK(g.frameWalk.end == g.walk.end);
  for (int i = 0; i < g.walk.depth; ++i) {
    const CodeRange* range = map.find(g.pcs[i]);
    CHECK(range != nullptr);
    uint64_t offset = g.pcs[i] - range->loadBias;
    if (range->table != nullptr) offset = range->table->functionStart(offset);
    CHECK(g.frames[i].kind == FrameKind::kNative);
    CHECK_EQ(g.frames[i].id, nativeFrameId(range->libraryId, offset));
  }
}

__attribute__((noinline)) int runChain(int (*chain)(const volatile int*)) {
  armTimer(true);
  int r = chain(&g.stop);
  armTimer(false);
  __asm__ volatile("" : "+r"(r)::"memory");
  return r;
}

void unwindsTheChain(CodeMap& map, const char* prefix, int (*chain)(const volatile int*), UnwindMode mode) {
  prepare(&map, mode, libraryOf(map, reinterpret_cast<const void*>(chain)));
  runChain(chain);
  std::string title = std::string(prefix) + "chain, " + (mode == UnwindMode::kDwarf ? "DWARF" : "frame pointers");
  std::vector<std::string> frames = names(map, g.walk, g.pcs);
  print(title.c_str(), frames, g.walk);
  std::string p = prefix;
  bool complete = frames.size() >= 5 && frames[0] == p + "chain_c" && frames[1] == p + "chain_b" &&
                  frames[2] == p + "chain_a" && frames[3] == "(anonymous namespace)::runChain" &&
                  indexOf(frames, "main") > 3;
  if (p == "nofp_" && mode == UnwindMode::kFramePointers) {
    // Without frame pointers the chain cannot be followed: frames are skipped or the walk breaks.
    CHECK(!complete || walkBroken(g.walk.end));
    CHECK(g.walk.depth >= 1 && frames[0] == "nofp_chain_c");
    return;
  }
  CHECK(complete);
  framesAgreeWithPcs(map);
  if (mode == UnwindMode::kDwarf) {
    // Through libc's __libc_start_main to the executable's _start, whose CFI ends the stack.
    CHECK(g.walk.end == WalkEnd::kRoot);
    CHECK(!frames.empty() && frames.back() == "_start");
    CHECK(indexOf(frames, "__libc_start_main") > indexOf(frames, "main"));
  }
}

// The leaf in our code, its callers in libc (qsort, built without frame pointers).
volatile int g_inComparator = 0;
int compareSpinning(const void* a, const void* b) {
  if (g.stop == 0) {
    g_inComparator = 1;
    while (g.stop == 0) {
    }
    g_inComparator = 0;
  }
  return *static_cast<const int*>(a) - *static_cast<const int*>(b);
}

// libc's own qsort: under ASan, qsort is the sanitizer's reimplementation.
using Qsort = void (*)(void*, size_t, size_t, int (*)(const void*, const void*));
Qsort libcQsort() {
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  return libc == nullptr ? nullptr : reinterpret_cast<Qsort>(dlsym(libc, "qsort"));
}

__attribute__((noinline)) void sortSpinning() {
  Qsort sort = libcQsort();
  int values[64];
  for (int i = 0; i < 64; ++i) values[i] = (i * 37) % 64;
  armTimer(true);
  sort(values, 64, sizeof(int), compareSpinning);
  armTimer(false);
}

void unwindsThroughLibc(CodeMap& map) {
  prepare(&map, UnwindMode::kDwarf, libraryOf(map, reinterpret_cast<const void*>(&compareSpinning)));
  g.requireFlag = &g_inComparator;
  sortSpinning();
  std::vector<std::string> frames = names(map, g.walk, g.pcs);
  print("qsort comparator, DWARF", frames, g.walk);
  CHECK(!frames.empty() && frames[0] == "(anonymous namespace)::compareSpinning");
  int qsortFrame = indexOf(frames, "qsort_r") >= 0 ? indexOf(frames, "qsort_r") : indexOf(frames, "qsort");
  CHECK(qsortFrame > 0);
  CHECK(indexOf(frames, "(anonymous namespace)::sortSpinning") > qsortFrame);
  CHECK(indexOf(frames, "main") > qsortFrame);
  CHECK(g.walk.end == WalkEnd::kRoot);
}

__attribute__((noinline)) void readClockUntilCaught() {
  timespec ts;
  long long deadline = nowNanos() + 20'000'000'000LL;
  armTimer(true);
  while (g.stop == 0 && nowNanos() < deadline) clock_gettime(CLOCK_MONOTONIC, &ts);
  armTimer(false);
}

void unwindsFromTheVdso(CodeMap& map) {
  uint32_t vdso = 0;
  for (const auto& library : map.libraries()) {
    if (library.fileName == "[vdso]") vdso = library.id;
  }
  CHECK(vdso != 0);
  prepare(&map, UnwindMode::kDwarf, vdso);
  readClockUntilCaught();
  CHECK(g.done);
  std::vector<std::string> frames = names(map, g.walk, g.pcs);
  print("clock_gettime in the vDSO, DWARF", frames, g.walk);
  CHECK(!frames.empty() && libraryOf(map, reinterpret_cast<const void*>(g.pcs[0])) == vdso);
  CHECK(indexOf(frames, "(anonymous namespace)::readClockUntilCaught") > 0);
  CHECK(indexOf(frames, "main") > 0);
  CHECK(g.walk.end == WalkEnd::kRoot);
}

// A frame in a dlopen'ed library, named again after the library is gone.
volatile int g_inCallback = 0;
void raiseInCallback(void*) {
  g_inCallback = 1;
  raise(SIGPROF);  // delivered before raise returns
  g_inCallback = 0;
}

void namesFramesOfUnloadedLibraries(CodeMap& map) {
  void* handle = dlopen(DLOPEN_TARGET_PATH, RTLD_NOW);
  CHECK(handle != nullptr);
  if (handle == nullptr) return;
  auto call = reinterpret_cast<int (*)(void (*)(void*), void*)>(dlsym(handle, "dlopen_target_call"));
  map.refresh();
  prepare(&map, UnwindMode::kDwarf, 0);
  g.requireFlag = &g_inCallback;
  call(raiseInCallback, nullptr);
  std::vector<std::string> frames = names(map, g.walk, g.pcs);
  print("raise() from a dlopen'ed library, DWARF", frames, g.walk);
  int at = indexOf(frames, "dlopen_target_call");
  CHECK(at > indexOf(frames, "(anonymous namespace)::raiseInCallback") && indexOf(frames, "main") > at);
  if (at < 0) return;
  const CodeRange* range = map.find(g.pcs[at]);
  uint32_t id = range->libraryId;
  uint64_t offset = g.pcs[at] - range->loadBias;
  dlclose(handle);
  CHECK(map.refresh());
  CHECK(map.find(g.pcs[at]) == nullptr);
  CHECK_STR(map.describe(id, offset).function, "dlopen_target_call");
}

// Garbage stacks and registers, between guard pages: the walk must stay inside its bounds
// (a read outside would fault on a guard page) and within its limits.
void survivesHostileStacks(CodeMap& map) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = 16 * page;
  auto* area = static_cast<uint8_t*>(mmap(nullptr, bytes + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  CHECK(area != MAP_FAILED);
  if (area == MAP_FAILED) return;
  uint8_t* buffer = area + page;
  mprotect(buffer, bytes, PROT_READ | PROT_WRITE);
  auto* words = reinterpret_cast<uintptr_t*>(buffer);
  const size_t count = bytes / sizeof(uintptr_t);
  StackBounds bounds{reinterpret_cast<uintptr_t>(buffer), reinterpret_cast<uintptr_t>(buffer) + bytes};

  const CodeRange* libc = map.find(reinterpret_cast<uintptr_t>(libcQsort()));
  const CodeRange* chain = map.find(reinterpret_cast<uintptr_t>(&fp_chain_a));
  std::mt19937_64 random(7);
  auto codeAddress = [&]() -> uintptr_t {
    const CodeRange* r = (random() & 1) ? libc : chain;
    return r->start + random() % (r->end - r->start);
  };
  auto anyWord = [&]() -> uintptr_t {
    switch (random() % 5) {
      case 0: return random();
      case 1: return bounds.low + random() % bytes;                     // into the buffer, any alignment
      case 2: return bounds.low + (random() % count) * sizeof(uintptr_t);  // aligned into it
      case 3: return codeAddress();
      default: return random() % 4 == 0 ? 0 : random() % 4096;
    }
  };
  int ends[static_cast<int>(WalkEnd::kStepLimit) + 1] = {};
  uintptr_t pcs[64];
  WalkLimits limits;
  limits.maxDepth = 64;
  limits.maxSteps = 48;
  int overLimit = 0, longest = 0;
  const int kWalks = 20000;
  for (int i = 0; i < kWalks; ++i) {
    if (i % 100 == 0) {
      for (size_t w = 0; w < count; ++w) words[w] = anyWord();
    }
    // As a signal context would deliver them.
    ucontext_t context;
    std::memset(&context, 0, sizeof context);
    uintptr_t pc = i % 3 == 0 ? random() : codeAddress();
    uintptr_t sp = bounds.low + random() % bytes;
    uintptr_t fp = anyWord();
#if defined(__x86_64__)
    context.uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(pc);
    context.uc_mcontext.gregs[REG_RSP] = static_cast<greg_t>(sp);
    context.uc_mcontext.gregs[REG_RBP] = static_cast<greg_t>(fp);
#elif defined(__aarch64__)
    context.uc_mcontext.pc = pc;
    context.uc_mcontext.sp = sp;
    context.uc_mcontext.regs[29] = fp;
    context.uc_mcontext.regs[30] = codeAddress();
#endif
    NativeRegisters regs = registersFromContext(&context);
    UnwindMode mode = i % 2 == 0 ? UnwindMode::kDwarf : UnwindMode::kFramePointers;
    NativeWalk walk = walkNativeStack(map, regs, mode, bounds, limits, pcs);
    if (walk.depth > limits.maxDepth || walk.steps > limits.maxSteps) ++overLimit;
    if (walk.depth > longest) longest = walk.depth;
    ++ends[static_cast<int>(walk.end)];
  }
  CHECK_EQ(overLimit, 0);
  // "Root" only by chance: a zero saved fp / return address pair in the garbage looks like
  // the chain's terminator, and a random pc may land in _start or clone3.
  CHECK(ends[static_cast<int>(WalkEnd::kRoot)] * 20 < kWalks);
  std::printf("hostile: %d walks, longest %d frames; ended:", kWalks, longest);
  for (int e = 0; e <= static_cast<int>(WalkEnd::kStepLimit); ++e) {
    if (ends[e] != 0) std::printf(" %s %d,", walkEndName(static_cast<WalkEnd>(e)), ends[e]);
  }
  std::printf("\n");

  // A plausible frame-pointer chain longer than the limits, and one that loops on itself.
  uintptr_t returnAddress = reinterpret_cast<uintptr_t>(&fp_chain_a) + 8;
  for (size_t w = 0; w + 1 < count; w += 2) {
    words[w] = bounds.low + (w + 2) * sizeof(uintptr_t);
    words[w + 1] = returnAddress;
  }
  NativeRegisters regs;
  regs.pc = returnAddress;
  regs.sp = bounds.low;
  regs.fp = bounds.low;
  NativeWalk deep = walkNativeStack(map, regs, UnwindMode::kFramePointers, bounds, limits, pcs);
  CHECK(deep.end == WalkEnd::kStepLimit && deep.depth == limits.maxSteps);
  limits.maxSteps = 1000;
  deep = walkNativeStack(map, regs, UnwindMode::kFramePointers, bounds, limits, pcs);
  CHECK(deep.end == WalkEnd::kDepthLimit && deep.depth == limits.maxDepth);
  words[10] = bounds.low + 8 * sizeof(uintptr_t);  // frame 5 points back to frame 4
  regs.fp = bounds.low + 8 * sizeof(uintptr_t);
  regs.sp = regs.fp;
  NativeWalk loop = walkNativeStack(map, regs, UnwindMode::kFramePointers, bounds, limits, pcs);
  CHECK(loop.end == WalkEnd::kSpNotIncreasing);
  munmap(area, bytes + 2 * page);
}

__attribute__((noinline)) int measureAtDepth(int depth) {
  armTimer(true);
  int r = fp_chain_recurse(depth, &g.stop);
  armTimer(false);
  __asm__ volatile("" : "+r"(r)::"memory");
  return r;
}

void measuresWalkCost(CodeMap& map, UnwindMode mode) {
  prepare(&map, mode, libraryOf(map, reinterpret_cast<const void*>(&fp_chain_recurse)));
  g.perfIterations = 20000;
  measureAtDepth(12);
  CHECK(g.walk.depth >= 10);
  std::printf("cost: %.0f ns per 10-frame %s walk (mean of %d, inside the signal handler)\n",
              static_cast<double>(g.perfNanos) / g.perfIterations,
              mode == UnwindMode::kDwarf ? "DWARF" : "frame-pointer", g.perfIterations);
}

void exposesTheReadFunction() {
  CodeAddressRange range = stackReadCode();
  auto read = reinterpret_cast<uintptr_t>(&readStackWord);
  CHECK(range.begin <= read && read < range.end);
  CHECK(range.end - range.begin < 4096);
  uintptr_t word = 0x1234, value = 0;
  StackBounds bounds{reinterpret_cast<uintptr_t>(&word), reinterpret_cast<uintptr_t>(&word) + sizeof word};
  CHECK(readStackWord(bounds, reinterpret_cast<uintptr_t>(&word), &value) == StackRead::kOk && value == 0x1234);
  CHECK(readStackWord(bounds, reinterpret_cast<uintptr_t>(&word) + 1, &value) == StackRead::kMisaligned);
  CHECK(readStackWord(bounds, reinterpret_cast<uintptr_t>(&word) + 8, &value) == StackRead::kOutOfBounds);
  CHECK(readStackWord(bounds, reinterpret_cast<uintptr_t>(&word) - 8, &value) == StackRead::kOutOfBounds);
  StackBounds window = stackWindow(~uintptr_t{0} - 100, 1 << 20);
  CHECK(window.high == ~uintptr_t{0});
}

}  // namespace

int main() {
  struct sigaction action {};
  action.sa_sigaction = onSignal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPROF, &action, nullptr);

  CodeMap map;
  map.refresh();
  exposesTheReadFunction();
  unwindsTheChain(map, "fp_", fp_chain_a, UnwindMode::kDwarf);
  unwindsTheChain(map, "nofp_", nofp_chain_a, UnwindMode::kDwarf);
  unwindsTheChain(map, "fp_", fp_chain_a, UnwindMode::kFramePointers);
  unwindsTheChain(map, "nofp_", nofp_chain_a, UnwindMode::kFramePointers);
  unwindsThroughLibc(map);
  unwindsFromTheVdso(map);
  namesFramesOfUnloadedLibraries(map);
  survivesHostileStacks(map);
  measuresWalkCost(map, UnwindMode::kDwarf);
  measuresWalkCost(map, UnwindMode::kFramePointers);
  std::printf("code map: unwind tables %zu KiB, snapshots %zu bytes\n", map.tableBytes() / 1024, map.snapshotBytes());
  return check::finish("native_unwinder_test");
}
