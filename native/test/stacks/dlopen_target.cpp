// A library the tests dlopen and dlclose: its frames must keep their names after it goes.

extern "C" __attribute__((visibility("default"), noinline)) int dlopen_target_call(void (*callback)(void*), void* arg) {
  callback(arg);
  int r = 1;
  __asm__ volatile("" : "+r"(r)::"memory");
  return r;
}
