// Shipped stripped, with its symbols in a separate debug file: the local function below
// is named only through that file.

namespace {
__attribute__((noinline)) int debug_only_local_function(int x) {
  __asm__ volatile("" : "+r"(x));
  return x * 3;
}
}  // namespace

extern "C" __attribute__((visibility("default"))) int debug_target_exported(int x) {
  return debug_only_local_function(x) + 1;
}

// Its address, for the test to resolve (vaddr in this object).
extern "C" __attribute__((visibility("default"))) void* debug_target_local_address() {
  return reinterpret_cast<void*>(&debug_only_local_function);
}
