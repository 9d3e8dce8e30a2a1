#include "symbols/native_frame_names.h"

#include "stacks/code_map.h"
#include "stacks/frame.h"

std::string nativeFrameName(const CodeMap& map, uint64_t frameId) {
  NativeFrameName name = map.describe(nativeFrameLibrary(frameId), nativeFrameOffset(frameId));
  if (name.fileName.empty()) return "";
  bool vdso = name.fileName == "[vdso]";
  std::string library = vdso ? "linux-vdso.so.1" : name.fileName;
  std::string function = name.function.empty() ? library + "+0x0" : name.function;
  if (vdso && function.rfind(name.fileName, 0) == 0) function = library + function.substr(name.fileName.size());
  // Frame names are one line without ';' in the collapsed format: C++ names may hold
  // neither, but a symbol is whatever the object says.
  for (char& c : function) {
    if (c == ';' || c == '\n' || c == '\r') c = '_';
  }
  return function + " [" + library + "]";
}
