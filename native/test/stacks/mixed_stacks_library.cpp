// A JNI library for MixedStacksIT, built twice by CMake: with frame pointers
// (libmixed_stacks_fp.so) and with -O2 -fomit-frame-pointer (libmixed_stacks_dwarf.so),
// so that only DWARF unwinding can name the frames of the second.
//
//   split(millis, seed)   rounds of random CPU-time length, 70% of each in mixed_hot70 and
//                         30% in mixed_hot30, both noinline C functions under the JNI entry
//   hostile(millis)       spins in code without unwind information whose frame pointer is
//                         garbage, so that every unwinder loses its way there
//   nativeThreads(n)      starts n pthreads that never touch the JVM and spin in
//                         malloc/memset/free until the process ends
//   progress()            how many rounds the native threads have done so far
//   bursts(n, millis)     (ThreadBirthWorkload) starts n short pthreads, four at a time,
//                         each burning `millis` of CPU in born_burst and ending; returns
//                         their CPU time in all (ns)

#include <jni.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

uint64_t threadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Arithmetic the compiler cannot drop; the clock is read every few thousand steps so that
// the system call stays a small part of each function's time.
uint64_t burn(uint64_t untilNs, uint64_t x) {
  while (threadCpuNs() < untilNs) {
    for (int i = 0; i < 50000; ++i) x = x * 6364136223846793005u + 1442695040888963407u;
  }
  return x;
}

std::atomic<uint64_t> g_nativeRounds{0};

struct Burst {
  uint64_t millis;
  uint64_t cpuNs;
};

void* spinInMalloc(void*) {
  unsigned size = 16;
  for (;;) {
    void* blocks[64];
    for (void*& b : blocks) {
      b = std::malloc(size);
      if (b != nullptr) std::memset(b, 1, size);
      size = size * 1103515245u + 12345u;
      size = 16 + size % 4096;
    }
    for (void* b : blocks) std::free(b);
    g_nativeRounds.fetch_add(1, std::memory_order_relaxed);
  }
  return nullptr;
}

}  // namespace

extern "C" {

// A short thread's whole life, named so the profile can find its samples.
__attribute__((noinline)) void* born_burst(void* p) {
  Burst* burst = static_cast<Burst*>(p);
  uint64_t start = threadCpuNs();
  burn(start + burst->millis * 1'000'000u, start);
  burst->cpuNs = threadCpuNs() - start;
  return nullptr;
}

JNIEXPORT jlong JNICALL Java_dev_jflame_workload_ThreadBirthWorkload_bursts(JNIEnv*, jclass, jint count, jlong millis) {
  uint64_t total = 0;
  for (int done = 0; done < count; done += 4) {
    pthread_t threads[4];
    Burst bursts[4];
    int started = 0;
    for (int i = 0; i < 4 && done + i < count; ++i) {
      bursts[i] = Burst{static_cast<uint64_t>(millis), 0};
      if (pthread_create(&threads[i], nullptr, born_burst, &bursts[i]) == 0) ++started;
    }
    for (int i = 0; i < started; ++i) {
      pthread_join(threads[i], nullptr);
      total += bursts[i].cpuNs;
    }
  }
  return static_cast<jlong>(total);
}

__attribute__((noinline)) uint64_t mixed_hot70(uint64_t untilNs, uint64_t x) { return burn(untilNs, x) ^ 70; }
__attribute__((noinline)) uint64_t mixed_hot30(uint64_t untilNs, uint64_t x) { return burn(untilNs, x) ^ 30; }

// Hand-written code with no .eh_frame entry: a DWARF unwinder finds no rule for it and
// falls back to the frame pointer, which it sets to garbage while it spins.
#if defined(__x86_64__)
uint64_t mixed_no_unwind_spin(uint64_t iterations);
asm(R"(
  .text
  .globl mixed_no_unwind_spin
  .type mixed_no_unwind_spin, @function
mixed_no_unwind_spin:
  pushq %rbp
  movabsq $0x00005bad5bad5bad, %rbp
  movq %rdi, %rax
1:
  subq $1, %rax
  jnz 1b
  popq %rbp
  ret
  .size mixed_no_unwind_spin, .-mixed_no_unwind_spin
)");
#else
__attribute__((noinline)) uint64_t mixed_no_unwind_spin(uint64_t iterations) {
  volatile uint64_t n = iterations;
  while (n != 0) n = n - 1;
  return 0;
}
#endif

JNIEXPORT jlong JNICALL Java_dev_jflame_workload_MixedStacksWorkload_split(JNIEnv*, jclass, jlong millis,
                                                                           jlong seed) {
  uint64_t end = threadCpuNs() + static_cast<uint64_t>(millis) * 1'000'000u;
  uint64_t random = static_cast<uint64_t>(seed) | 1, x = 1;
  while (threadCpuNs() < end) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    uint64_t round = 2'000'000 + random % 8'000'000;  // 2-10 ms of CPU
    uint64_t start = threadCpuNs();
    x = mixed_hot70(start + round * 7 / 10, x);
    x = mixed_hot30(start + round, x);
  }
  return static_cast<jlong>(x);
}

JNIEXPORT jlong JNICALL Java_dev_jflame_workload_MixedStacksWorkload_hostile(JNIEnv*, jclass, jlong millis) {
  uint64_t end = threadCpuNs() + static_cast<uint64_t>(millis) * 1'000'000u;
  uint64_t x = 0;
  while (threadCpuNs() < end) x += mixed_no_unwind_spin(20'000'000);
  return static_cast<jlong>(x);
}

JNIEXPORT void JNICALL Java_dev_jflame_workload_MixedStacksWorkload_nativeThreads(JNIEnv*, jclass, jint count) {
  for (jint i = 0; i < count; ++i) {
    pthread_t thread;
    if (pthread_create(&thread, nullptr, spinInMalloc, nullptr) == 0) {
      pthread_setname_np(thread, "native-malloc");
      pthread_detach(thread);
    }
  }
}

// A native thread attached to the JVM that allocates Java arrays through JNI: allocations
// with no Java frame on the thread's stack.
struct NativeAllocation {
  JavaVM* vm;
  jint arrays;
};

void* allocateThroughJni(void* arg) {
  const NativeAllocation& work = *static_cast<NativeAllocation*>(arg);
  JNIEnv* env = nullptr;
  JavaVMAttachArgs attach{JNI_VERSION_1_8, const_cast<char*>("native-alloc"), nullptr};
  if (work.vm->AttachCurrentThread(reinterpret_cast<void**>(&env), &attach) != JNI_OK) return nullptr;
  for (jint i = 0; i < work.arrays; ++i) {
    jlongArray array = env->NewLongArray(128 * 1024);  // 1 MB
    if (array == nullptr) break;
    env->DeleteLocalRef(array);
  }
  work.vm->DetachCurrentThread();
  return nullptr;
}

JNIEXPORT void JNICALL Java_dev_jflame_workload_MixedStacksWorkload_allocateFromNativeThread(JNIEnv* env, jclass,
                                                                                            jint arrays) {
  NativeAllocation work{nullptr, arrays};
  if (env->GetJavaVM(&work.vm) != JNI_OK) return;
  pthread_t thread;
  if (pthread_create(&thread, nullptr, allocateThroughJni, &work) == 0) {
    pthread_setname_np(thread, "native-alloc");
    pthread_join(thread, nullptr);
  }
}

JNIEXPORT jlong JNICALL Java_dev_jflame_workload_MixedStacksWorkload_progress(JNIEnv*, jclass) {
  return static_cast<jlong>(g_nativeRounds.load(std::memory_order_relaxed));
}

}  // extern "C"
