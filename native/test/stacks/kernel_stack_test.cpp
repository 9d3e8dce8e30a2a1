#include "stacks/kernel_stack.h"

#include <linux/perf_event.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <vector>

#include "check.h"
#include "sampling/perf_engine.h"
#include "symbols/kallsyms.h"

namespace {

// A ring as the kernel writes it: records appended at `head`, wrapping at the end.
struct Ring {
  std::vector<uint8_t> data;
  uint64_t head = 0;
  explicit Ring(size_t size) : data(size) {}
  void word(uint64_t value) {
    std::memcpy(&data[head & (data.size() - 1)], &value, 8);
    head += 8;
  }
  void record(uint32_t type, const std::vector<uint64_t>& body) {
    perf_event_header h;
    h.type = type;
    h.misc = PERF_RECORD_MISC_KERNEL;
    h.size = static_cast<uint16_t>(8 + body.size() * 8);
    uint64_t w;
    std::memcpy(&w, &h, 8);
    word(w);
    for (uint64_t v : body) word(v);
  }
  void sample(const std::vector<uint64_t>& ips) {
    std::vector<uint64_t> body{ips.size()};
    body.insert(body.end(), ips.begin(), ips.end());
    record(PERF_RECORD_SAMPLE, body);
  }
};

const uint64_t kKernelMark = static_cast<uint64_t>(PERF_CONTEXT_KERNEL);

void theNewestSampleIsReadPastOlderOnes() {
  Ring ring(256);
  ring.sample({kKernelMark, 0x100, 0x200});
  ring.sample({});  // an overflow in user mode: no kernel frames
  ring.sample({kKernelMark, 0x300, 0x400, 0x500});
  uint64_t ips[8];
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 256, 0, ring.head, ips, 8), 3);
  CHECK_EQ(ips[0], uint64_t{0x300});
  CHECK_EQ(ips[2], uint64_t{0x500});
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 256, 0, ring.head, ips, 2), 2);
}

void aRecordAcrossTheEndIsReadWhole() {
  Ring ring(128);
  ring.head = ring.data.size() - 16;  // the reader consumed everything up to here
  uint64_t tail = ring.head;
  ring.sample({kKernelMark, 0x11, 0x22, 0x33, 0x44});  // 48 bytes: wraps after 16
  uint64_t ips[8];
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 128, tail, ring.head, ips, 8), 4);
  CHECK_EQ(ips[0], uint64_t{0x11});
  CHECK_EQ(ips[3], uint64_t{0x44});
}

void aLostNewestSampleGivesNoFrames() {
  Ring ring(256);
  ring.sample({kKernelMark, 0x100});
  ring.record(PERF_RECORD_LOST, {1, 3});
  uint64_t ips[8];
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 256, 0, ring.head, ips, 8), -1);
  // Nothing new, or a head too far ahead to trust.
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 256, ring.head, ring.head, ips, 8), -1);
  CHECK_EQ(KernelStacks::newestCallchain(ring.data.data(), 256, 0, 1024, ips, 8), -1);
}

// A real event: a thread that spends its CPU in read() of /dev/zero gets kernel frames,
// named from kallsyms. Needs what kernel callchains need (root, CAP_PERFMON or
// perf_event_paranoid <= 1); skipped otherwise.
Engine* g_engine = nullptr;
const KernelStacks* g_kernel = nullptr;
std::atomic<int> g_withFrames{0};
std::atomic<int> g_signals{0};
std::atomic<int> g_atSyscallReturn{0};
Frame g_frames[KernelStacks::kMaxFrames];

// True when the interrupted instruction is the one after a `syscall` (0f 05): a CPU-clock
// overflow raised with interrupts off on the syscall exit path is taken there, in user
// mode, with an empty kernel chain (perf's own cpu-clock shows the same). Such samples
// say nothing about the rings, so the share below leaves them out.
bool atSyscallReturn(void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
  const auto* pc = reinterpret_cast<const uint8_t*>(uc->uc_mcontext.gregs[REG_RIP]);
  return pc[-2] == 0x0f && pc[-1] == 0x05;  // the test loop's pc is in libc's read(): readable
}

void onSigprof(int, siginfo_t* info, void* context) {
  int tid = static_cast<int>(syscall(SYS_gettid));
  if (g_engine == nullptr || !g_engine->onSignal(info, tid)) return;
  g_signals.fetch_add(1);
  bool withFrames = g_kernel != nullptr && g_kernel->framesOf(tid, g_frames, KernelStacks::kMaxFrames) > 0;
  if (withFrames) {
    g_withFrames.fetch_add(1);
  } else if (atSyscallReturn(context)) {
    g_atSyscallReturn.fetch_add(1);
  }
}

void aThreadInReadGetsKernelFrames() {
  Jitter jitter(42);
  PerfEngine engine(1'000'000, &jitter);
  std::string why;
  if (!engine.start(&why)) {
    std::printf("kernel_stack_test: skipping the live event: %s\n", why.c_str());
    return;
  }
  if (engine.kernelStacks() == nullptr) {
    std::printf("kernel_stack_test: skipping the live event: %s\n", engine.kernelFramesFact().c_str());
    return;
  }
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = onSigprof;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGPROF, &action, nullptr);
  g_engine = &engine;
  g_kernel = engine.kernelStacks();
  int tid = static_cast<int>(syscall(SYS_gettid));
  engine.threadStarted(tid);
  // The ring is mapped at the second rescan after the thread was armed (perf_engine.h).
  CHECK(engine.rescanned());
  CHECK(engine.kernelStacks()->attached() == 0);
  engine.rescanned();
  CHECK(engine.kernelStacks()->attached() == 1);
  FILE* zero = std::fopen("/dev/zero", "r");
  char buffer[1 << 16];
  // 200 ms of CPU at 1 ms, bounded by wall time on a busy machine.
  timespec begin, now;
  clock_gettime(CLOCK_MONOTONIC, &begin);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (g_signals.load() >= 200 || now.tv_sec - begin.tv_sec > 5) break;
    // The raw system call: a sanitizer build intercepts read() and spends user time on the buffer.
    if (syscall(SYS_read, fileno(zero), buffer, sizeof(buffer)) < 0) break;
  }
  std::fclose(zero);
  engine.stop();
  g_engine = nullptr;
  int considered = g_signals.load() - g_atSyscallReturn.load();
  std::printf("kernel_stack_test: %d of %d samples with kernel frames (%d more at a syscall's return); %s\n",
              g_withFrames.load(), considered, g_atSyscallReturn.load(), engine.kernelFramesFact().c_str());
  CHECK(considered > 50);
  CHECK(g_withFrames.load() * 2 > considered);
}

// A thread that ends within one rescan period never has its ring mapped: the per-thread
// cost that thread churn paid (mmap + munmap) is gone for it.
void aShortThreadGetsNoRing() {
  Jitter jitter(7);
  PerfEngine engine(10'000'000, &jitter);
  std::string why;
  if (!engine.start(&why) || engine.kernelStacks() == nullptr) {
    std::printf("kernel_stack_test: skipping the lazy ring check: %s\n",
                why.empty() ? engine.kernelFramesFact().c_str() : why.c_str());
    return;
  }
  int tid = static_cast<int>(syscall(SYS_gettid));
  engine.threadStarted(tid);
  engine.rescanned();
  engine.threadEnded(tid);
  CHECK(!engine.rescanned());
  CHECK(engine.kernelStacks()->attached() == 0);
  CHECK(engine.kernelFramesFact().find("; 1 threads ended before their ring was due") != std::string::npos);
  engine.stop();
}

// A thread alive when profiling starts is long-lived by definition: its ring is mapped
// as soon as the registry has armed the threads alive at start, with no rescan.
void aThreadAliveAtStartGetsItsRingAtOnce() {
  Jitter jitter(9);
  PerfEngine engine(10'000'000, &jitter);
  std::string why;
  if (!engine.start(&why) || engine.kernelStacks() == nullptr) {
    std::printf("kernel_stack_test: skipping the ring at start check: %s\n",
                why.empty() ? engine.kernelFramesFact().c_str() : why.c_str());
    return;
  }
  int tid = static_cast<int>(syscall(SYS_gettid));
  engine.threadStarted(tid);
  CHECK(engine.kernelStacks()->attached() == 0);
  engine.aliveAtStartArmed();
  CHECK(engine.kernelStacks()->attached() == 1);
  CHECK(!engine.rescanned());  // nothing left due
  engine.stop();
}

}  // namespace

int main() {
  theNewestSampleIsReadPastOlderOnes();
  aRecordAcrossTheEndIsReadWhole();
  aLostNewestSampleGivesNoFrames();
  aThreadInReadGetsKernelFrames();
  aShortThreadGetsNoRing();
  aThreadAliveAtStartGetsItsRingAtOnce();
  return check::finish("kernel_stack_test");
}
