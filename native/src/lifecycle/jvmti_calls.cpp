#include "lifecycle/jvmti_calls.h"

#include <cstring>

std::string jvmtiErrorText(jvmtiEnv* jvmti, jvmtiError error) {
  char* name = nullptr;
  std::string text = "JVMTI error " + std::to_string(error);
  if (jvmti != nullptr && jvmti->GetErrorName(error, &name) == JVMTI_ERROR_NONE && name != nullptr) {
    text += std::string(" (") + name + ")";
    jvmti->Deallocate(reinterpret_cast<unsigned char*>(name));
  }
  return text;
}

std::string systemProperty(jvmtiEnv* jvmti, const char* key) {
  char* value = nullptr;
  std::string out;
  if (jvmti->GetSystemProperty(key, &value) == JVMTI_ERROR_NONE && value != nullptr) {
    out = value;
    jvmti->Deallocate(reinterpret_cast<unsigned char*>(value));
  }
  return out;
}

std::string threadName(jvmtiEnv* jvmti, JNIEnv* jni, jthread thread) {
  jvmtiThreadInfo info;
  std::memset(&info, 0, sizeof(info));
  if (jvmti->GetThreadInfo(thread, &info) != JVMTI_ERROR_NONE) return std::string();
  std::string name = info.name != nullptr ? info.name : "";
  if (info.name != nullptr) jvmti->Deallocate(reinterpret_cast<unsigned char*>(info.name));
  if (jni != nullptr) {
    if (info.thread_group != nullptr) jni->DeleteLocalRef(info.thread_group);
    if (info.context_class_loader != nullptr) jni->DeleteLocalRef(info.context_class_loader);
  }
  return name;
}

bool setEventModes(jvmtiEnv* jvmti, jvmtiEventMode mode, const std::vector<jvmtiEvent>& events,
                   std::string* error) {
  for (jvmtiEvent event : events) {
    jvmtiError jerr = jvmti->SetEventNotificationMode(mode, event, nullptr);
    if (jerr != JVMTI_ERROR_NONE && mode == JVMTI_ENABLE) {
      *error = "cannot enable JVMTI event " + std::to_string(event) + ": " + jvmtiErrorText(jvmti, jerr);
      return false;
    }
  }
  return true;
}
