#include "sampling/thread_birth.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "support/thread_id.h"

namespace thread_birth {
namespace {

std::atomic<Callback> g_callback{nullptr};
std::atomic<int> g_slots{0};
std::mutex g_hookMutex;                  // serialises patching (dlopen may run on any thread)
std::set<uintptr_t>* g_hooked = nullptr;  // load biases patched; leaked: hooks outlive the agent's state

#if defined(__x86_64__)
constexpr uint32_t kJumpSlot = R_X86_64_JUMP_SLOT;
constexpr uint32_t kGlobDat = R_X86_64_GLOB_DAT;
#elif defined(__aarch64__)
constexpr uint32_t kJumpSlot = R_AARCH64_JUMP_SLOT;
constexpr uint32_t kGlobDat = R_AARCH64_GLOB_DAT;
#else
#error "thread_birth: unsupported architecture"
#endif

struct Birth {
  void* (*start)(void*);
  void* arg;
};

// The new thread's first function. The registry arms it here, before the thread runs any
// code of its own; the start routine is then a tail call, so this frame does not stay on
// the thread's stack.
void* bornThread(void* p) {
  std::unique_ptr<Birth> birth(static_cast<Birth*>(p));
  void* (*start)(void*) = birth->start;
  void* arg = birth->arg;
  birth.reset();
  Callback callback = g_callback.load(std::memory_order_acquire);
  // callerTid: cached, so the thread's JVMTI ThreadStart and ThreadEnd read it free.
  if (callback != nullptr) callback(callerTid());
  return start(arg);
}

int hookedPthreadCreate(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  if (g_callback.load(std::memory_order_acquire) == nullptr) return pthread_create(thread, attr, start, arg);
  std::unique_ptr<Birth> birth(new (std::nothrow) Birth{start, arg});
  if (birth == nullptr) return pthread_create(thread, attr, start, arg);
  int rc = pthread_create(thread, attr, bornThread, birth.get());
  if (rc == 0) birth.release();  // the new thread owns it
  return rc;
}

void* hookedDlopen(const char* file, int flags) {
  void* handle = dlopen(file, flags);
  // The new object is hooked before dlopen returns to its caller, who may call into it
  // (System.loadLibrary, then a native method that starts threads).
  if (handle != nullptr) hookLoadedObjects();
  return handle;
}

// Pointers in a loaded object's dynamic section: glibc rewrites most to absolute
// addresses in place, but not everywhere (the vDSO, read-only dynamic sections).
uintptr_t absolute(uintptr_t base, uintptr_t pointer) { return pointer < base ? base + pointer : pointer; }

// The object holding this code (libjflame.so, or a test executable it is linked into)
// calls the real functions through its own GOT: patching it would make the wrapper call
// itself.
uintptr_t ownBase() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&hookedPthreadCreate), &info) == 0) return 0;
  return reinterpret_cast<uintptr_t>(info.dli_fbase);
}

bool isLibc(const char* name) {
  static const char* const kSkipped[] = {"libc.so", "libpthread", "ld-linux", "ld64.so", "linux-vdso", "linux-gate"};
  for (const char* skipped : kSkipped) {
    if (std::strstr(name, skipped) != nullptr) return true;
  }
  return false;
}

void patchSlot(uintptr_t slot, void* target, uintptr_t relroStart, uintptr_t relroEnd) {
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t pageStart = slot & ~static_cast<uintptr_t>(page - 1);
  // A slot in the RELRO segment (full RELRO, -z now) is read-only once relocated: opened
  // for the write and closed again. Anywhere else it is writable already.
  bool relro = slot >= relroStart && slot < relroEnd;
  if (relro && mprotect(reinterpret_cast<void*>(pageStart), static_cast<size_t>(page), PROT_READ | PROT_WRITE) != 0) {
    return;
  }
  __atomic_store_n(reinterpret_cast<void**>(slot), target, __ATOMIC_RELEASE);
  if (relro) mprotect(reinterpret_cast<void*>(pageStart), static_cast<size_t>(page), PROT_READ);
  g_slots.fetch_add(1, std::memory_order_relaxed);
}

void patchRelocations(uintptr_t base, const ElfW(Rela)* relocs, size_t bytes, const ElfW(Sym)* symtab,
                      const char* strtab, uintptr_t relroStart, uintptr_t relroEnd, bool hookDlopen) {
  size_t count = bytes / sizeof(ElfW(Rela));
  for (size_t i = 0; i < count; ++i) {
    uint32_t type = static_cast<uint32_t>(ELF64_R_TYPE(relocs[i].r_info));
    if (type != kJumpSlot && type != kGlobDat) continue;
    const char* name = strtab + symtab[ELF64_R_SYM(relocs[i].r_info)].st_name;
    void* target = nullptr;
    if (std::strcmp(name, "pthread_create") == 0) {
      target = reinterpret_cast<void*>(&hookedPthreadCreate);
    } else if (hookDlopen && std::strcmp(name, "dlopen") == 0) {
      target = reinterpret_cast<void*>(&hookedDlopen);
    }
    if (target != nullptr) patchSlot(base + relocs[i].r_offset, target, relroStart, relroEnd);
  }
}

int visitObject(dl_phdr_info* info, size_t, void*) {
  const char* name = info->dlpi_name != nullptr ? info->dlpi_name : "";
  uintptr_t base = info->dlpi_addr;
  static const uintptr_t own = ownBase();
  if (isLibc(name) || g_hooked->count(base) != 0) return 0;
  // dladdr gives the mapping's start, dlpi_addr the load bias: they agree for shared
  // objects; a non-PIE executable (bias 0) is compared by its first segment.
  uintptr_t start = base;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_LOAD) {
      start = base + (info->dlpi_phdr[i].p_vaddr & ~static_cast<uintptr_t>(sysconf(_SC_PAGESIZE) - 1));
      break;
    }
  }
  if (start == own || base == own) return 0;
  g_hooked->insert(base);
  const ElfW(Dyn)* dynamic = nullptr;
  uintptr_t relroStart = 0, relroEnd = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_DYNAMIC) dynamic = reinterpret_cast<const ElfW(Dyn)*>(base + ph.p_vaddr);
    if (ph.p_type == PT_GNU_RELRO) {
      relroStart = base + ph.p_vaddr;
      relroEnd = relroStart + ph.p_memsz;
    }
  }
  if (dynamic == nullptr) return 0;
  const ElfW(Sym)* symtab = nullptr;
  const char* strtab = nullptr;
  const ElfW(Rela)* jmprel = nullptr;
  const ElfW(Rela)* rela = nullptr;
  size_t jmprelBytes = 0, relaBytes = 0;
  bool pltIsRela = true;
  for (const ElfW(Dyn)* d = dynamic; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_SYMTAB: symtab = reinterpret_cast<const ElfW(Sym)*>(absolute(base, d->d_un.d_ptr)); break;
      case DT_STRTAB: strtab = reinterpret_cast<const char*>(absolute(base, d->d_un.d_ptr)); break;
      case DT_JMPREL: jmprel = reinterpret_cast<const ElfW(Rela)*>(absolute(base, d->d_un.d_ptr)); break;
      case DT_PLTRELSZ: jmprelBytes = d->d_un.d_val; break;
      case DT_RELA: rela = reinterpret_cast<const ElfW(Rela)*>(absolute(base, d->d_un.d_ptr)); break;
      case DT_RELASZ: relaBytes = d->d_un.d_val; break;
      case DT_PLTREL: pltIsRela = d->d_un.d_val == DT_RELA; break;
      default: break;
    }
  }
  // x86-64 and aarch64 objects use RELA only.
  if (symtab == nullptr || strtab == nullptr || !pltIsRela) return 0;
  // dlopen only in libjvm, which loads JNI libraries by full path: glibc resolves a bare
  // name with the calling object's RUNPATH, which a wrapper in another object would change.
  bool hookDlopen = std::strstr(name, "libjvm.so") != nullptr;
  if (jmprel != nullptr) patchRelocations(base, jmprel, jmprelBytes, symtab, strtab, relroStart, relroEnd, hookDlopen);
  if (rela != nullptr) patchRelocations(base, rela, relaBytes, symtab, strtab, relroStart, relroEnd, hookDlopen);
  return 0;
}

}  // namespace

int hookLoadedObjects() {
  std::lock_guard<std::mutex> lock(g_hookMutex);
  if (g_hooked == nullptr) g_hooked = std::make_unique<std::set<uintptr_t>>().release();
  dl_iterate_phdr(visitObject, nullptr);
  return g_slots.load(std::memory_order_relaxed);
}

void setCallback(Callback callback) { g_callback.store(callback, std::memory_order_release); }

}  // namespace thread_birth
