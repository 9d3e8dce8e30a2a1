// A call chain a -> b -> c whose leaf spins until told to stop, for the unwinder tests.
// Built twice: with frame pointers (prefix fp_) and without (nofp_). Every call is kept
// a real call (noinline, noclone, work after the call) so each function has a frame.

#define CHAIN_JOIN2(a, b) a##b
#define CHAIN_JOIN(a, b) CHAIN_JOIN2(a, b)
#define CHAIN(name) CHAIN_JOIN(CHAIN_PREFIX, name)
#define CHAIN_EXPORT extern "C" __attribute__((visibility("default"), noinline, noclone))

// The leaf keeps its counter on the stack: GCC 12 gives a leaf that uses no stack no
// frame even with -mno-omit-leaf-frame-pointer, and a frame-pointer walk would then skip b.
CHAIN_EXPORT int CHAIN(chain_c)(const volatile int* stop) {
  volatile int spins = 0;
  while (*stop == 0) spins = spins + 1;
  return spins & 1;
}

CHAIN_EXPORT int CHAIN(chain_b)(const volatile int* stop) {
  int r = CHAIN(chain_c)(stop);
  __asm__ volatile("" : "+r"(r)::"memory");
  return r + 2;
}

CHAIN_EXPORT int CHAIN(chain_a)(const volatile int* stop) {
  int r = CHAIN(chain_b)(stop);
  __asm__ volatile("" : "+r"(r)::"memory");
  return r + 3;
}

// n nested frames of chain_recurse, then chain_c.
CHAIN_EXPORT int CHAIN(chain_recurse)(int n, const volatile int* stop) {
  int r = n <= 0 ? CHAIN(chain_c)(stop) : CHAIN(chain_recurse)(n - 1, stop);
  __asm__ volatile("" : "+r"(r)::"memory");
  return r + 1;
}
