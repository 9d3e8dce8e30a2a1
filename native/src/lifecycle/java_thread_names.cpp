#include "lifecycle/java_thread_names.h"

#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "lifecycle/jvmti_calls.h"

namespace {

// The layout of one gHotSpotVMStructs entry, as the JVM exports it alongside the table.
struct VmStructsLayout {
  uintptr_t table = 0;
  uint64_t stride = 0, typeName = 0, fieldName = 0, isStatic = 0, offset = 0;
};

bool readLayout(VmStructsLayout* out) {
  auto symbol = [](const char* name) { return reinterpret_cast<const uint64_t*>(dlsym(RTLD_DEFAULT, name)); };
  auto table = reinterpret_cast<const uintptr_t*>(dlsym(RTLD_DEFAULT, "gHotSpotVMStructs"));
  const uint64_t* stride = symbol("gHotSpotVMStructEntryArrayStride");
  const uint64_t* typeName = symbol("gHotSpotVMStructEntryTypeNameOffset");
  const uint64_t* fieldName = symbol("gHotSpotVMStructEntryFieldNameOffset");
  const uint64_t* isStatic = symbol("gHotSpotVMStructEntryIsStaticOffset");
  const uint64_t* offset = symbol("gHotSpotVMStructEntryOffsetOffset");
  if (table == nullptr || *table == 0 || stride == nullptr || *stride == 0 || typeName == nullptr ||
      fieldName == nullptr || isStatic == nullptr || offset == nullptr) {
    return false;
  }
  *out = VmStructsLayout{*table, *stride, *typeName, *fieldName, *isStatic, *offset};
  return true;
}

// The offset of a non-static field of `type` (or of any of `types`), -1 if not listed.
long fieldOffset(const VmStructsLayout& layout, std::initializer_list<const char*> types, const char* field) {
  for (uintptr_t entry = layout.table;; entry += layout.stride) {
    const char* type = *reinterpret_cast<const char* const*>(entry + layout.typeName);
    if (type == nullptr) return -1;  // the table ends with an all-null entry
    const char* name = *reinterpret_cast<const char* const*>(entry + layout.fieldName);
    if (name == nullptr || std::strcmp(name, field) != 0 || *reinterpret_cast<const int32_t*>(entry + layout.isStatic)) {
      continue;
    }
    for (const char* wanted : types) {
      if (std::strcmp(type, wanted) == 0) return static_cast<long>(*reinterpret_cast<const uint64_t*>(entry + layout.offset));
    }
  }
}

// Reads `size` bytes at `address` of this process without touching them directly: a thread
// that exits between reading its eetop and following it frees its JavaThread, and a plain
// load of what was there could fault and take the JVM down. process_vm_readv returns EFAULT
// instead. Where it is refused (a seccomp profile), the thread keeps its OS name.
bool readOwnMemory(uintptr_t address, void* out, size_t size) {
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size);
}

}  // namespace

std::vector<std::pair<int, std::string>> liveJavaThreadNames(jvmtiEnv* jvmti, JNIEnv* jni) {
  std::vector<std::pair<int, std::string>> out;
  VmStructsLayout layout;
  if (jni == nullptr || !readLayout(&layout)) return out;
  long osThread = fieldOffset(layout, {"Thread", "JavaThread"}, "_osthread");
  long threadId = fieldOffset(layout, {"OSThread"}, "_thread_id");
  if (osThread < 0 || threadId < 0) return out;
  jclass threadClass = jni->FindClass("java/lang/Thread");
  jfieldID eetop = threadClass != nullptr ? jni->GetFieldID(threadClass, "eetop", "J") : nullptr;
  if (jni->ExceptionCheck()) jni->ExceptionClear();
  if (threadClass != nullptr) jni->DeleteLocalRef(threadClass);
  if (eetop == nullptr) return out;
  jint count = 0;
  jthread* threads = nullptr;
  if (jvmti->GetAllThreads(&count, &threads) != JVMTI_ERROR_NONE) return out;
  for (jint i = 0; i < count; ++i) {
    jlong before = jni->GetLongField(threads[i], eetop);
    int tid = 0;
    if (before != 0) {
      uintptr_t os = 0;
      int32_t id = 0;
      if (readOwnMemory(static_cast<uintptr_t>(before) + static_cast<uintptr_t>(osThread), &os, sizeof(os)) && os != 0 &&
          readOwnMemory(os + static_cast<uintptr_t>(threadId), &id, sizeof(id))) {
        tid = id;
      }
    }
    // Still the same live thread: what was read above was its own.
    if (tid > 0 && jni->GetLongField(threads[i], eetop) == before) {
      std::string name = threadName(jvmti, jni, threads[i]);
      if (!name.empty()) out.emplace_back(tid, std::move(name));
    }
    jni->DeleteLocalRef(threads[i]);
  }
  jvmti->Deallocate(reinterpret_cast<unsigned char*>(threads));
  return out;
}
