#include "output/jfr_chunk.h"

#include <algorithm>
#include <map>
#include <utility>

namespace {

constexpr size_t kHeaderSize = 68;
constexpr uint64_t kTicksPerSecond = 1'000'000'000;

void putU64(std::string* out, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i) (*out)[at + i] = static_cast<char>(value >> (56 - 8 * i));
}

size_t varintLength(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

// An event is its size (which counts itself), then its body.
void appendSized(std::string* out, const std::string& body) {
  size_t n = 1;
  while (varintLength(body.size() + n) != n) ++n;
  JfrChunk::putVarint(out, body.size() + n);
  out->append(body);
}

// A negative int as JFR writes it: its 32-bit two's complement.
uint64_t asInt(int32_t value) { return static_cast<uint32_t>(value); }

// The metadata event's element tree: every name and value is an index into one string table.
class MetadataWriter {
 public:
  struct Element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<Element> children;
  };

  static Element element(std::string name, std::vector<std::pair<std::string, std::string>> attributes = {}) {
    return Element{std::move(name), std::move(attributes), {}};
  }

  std::string render(const Element& root, uint64_t ticks) {
    collect(root);
    std::string body;
    JfrChunk::putVarint(&body, 0);  // the metadata event's type
    JfrChunk::putVarint(&body, ticks);
    JfrChunk::putVarint(&body, 0);  // duration
    JfrChunk::putVarint(&body, 1);  // metadata id: the same in every chunk
    JfrChunk::putVarint(&body, strings_.size());
    for (const std::string& s : strings_) JfrChunk::putString(&body, s);
    write(root, &body);
    return body;
  }

 private:
  void intern(const std::string& s) {
    if (index_.emplace(s, strings_.size()).second) strings_.push_back(s);
  }
  void collect(const Element& e) {
    intern(e.name);
    for (const auto& a : e.attributes) {
      intern(a.first);
      intern(a.second);
    }
    for (const Element& c : e.children) collect(c);
  }
  void write(const Element& e, std::string* out) {
    JfrChunk::putVarint(out, index_.at(e.name));
    JfrChunk::putVarint(out, e.attributes.size());
    for (const auto& a : e.attributes) {
      JfrChunk::putVarint(out, index_.at(a.first));
      JfrChunk::putVarint(out, index_.at(a.second));
    }
    JfrChunk::putVarint(out, e.children.size());
    for (const Element& c : e.children) write(c, out);
  }

  std::vector<std::string> strings_;
  std::map<std::string, size_t> index_;
};

using Element = MetadataWriter::Element;

Element type(uint32_t id, const char* name, const char* superType = nullptr, bool simple = false) {
  Element e = MetadataWriter::element("class", {{"name", name}, {"id", std::to_string(id)}});
  if (superType != nullptr) e.attributes.emplace_back("superType", superType);
  if (simple) e.attributes.emplace_back("simpleType", "true");
  return e;
}

Element annotation(uint32_t typeId, const char* value) {
  return MetadataWriter::element("annotation", {{"class", std::to_string(typeId)}, {"value", value}});
}

Element field(const char* name, uint32_t typeId, bool constantPool = false, bool array = false) {
  Element e = MetadataWriter::element("field", {{"name", name}, {"class", std::to_string(typeId)}});
  if (constantPool) e.attributes.emplace_back("constantPool", "true");
  if (array) e.attributes.emplace_back("dimension", "1");
  return e;
}

Element withFields(Element e, std::vector<Element> fields) {
  for (Element& f : fields) e.children.push_back(std::move(f));
  return e;
}

Element startTime() {
  Element e = field("startTime", JfrChunk::kLong);
  e.children.push_back(annotation(JfrChunk::kTimestamp, "TICKS"));
  return e;
}

Element metadataTree() {
  using C = JfrChunk;
  Element metadata = MetadataWriter::element("metadata");
  std::vector<Element>& types = metadata.children;
  types.push_back(type(C::kLong, "long"));
  types.push_back(type(C::kInt, "int"));
  types.push_back(type(C::kBoolean, "boolean"));
  types.push_back(type(C::kString, "java.lang.String"));
  for (auto [id, name] : {std::pair<uint32_t, const char*>{C::kTimestamp, "jdk.jfr.Timestamp"},
                          {C::kTimespan, "jdk.jfr.Timespan"},
                          {C::kDataAmount, "jdk.jfr.DataAmount"}}) {
    types.push_back(withFields(type(id, name, "java.lang.annotation.Annotation"), {field("value", C::kString)}));
  }
  types.push_back(withFields(type(C::kThread, "java.lang.Thread"),
                             {field("osName", C::kString), field("osThreadId", C::kLong),
                              field("javaName", C::kString), field("javaThreadId", C::kLong),
                              field("virtual", C::kBoolean)}));
  types.push_back(withFields(type(C::kClass, "java.lang.Class"),
                             {field("classLoader", C::kClassLoader, true), field("name", C::kSymbol, true),
                              field("package", C::kPackage, true), field("modifiers", C::kInt),
                              field("hidden", C::kBoolean)}));
  types.push_back(withFields(type(C::kClassLoader, "jdk.types.ClassLoader"),
                             {field("type", C::kClass, true), field("name", C::kSymbol, true)}));
  types.push_back(withFields(type(C::kPackage, "jdk.types.Package"), {field("name", C::kSymbol, true)}));
  types.push_back(withFields(type(C::kStackTrace, "jdk.types.StackTrace"),
                             {field("truncated", C::kBoolean), field("frames", C::kStackFrame, false, true)}));
  types.push_back(withFields(type(C::kStackFrame, "jdk.types.StackFrame"),
                             {field("method", C::kMethod, true), field("lineNumber", C::kInt),
                              field("bytecodeIndex", C::kInt), field("type", C::kFrameType, true)}));
  types.push_back(withFields(type(C::kMethod, "jdk.types.Method"),
                             {field("type", C::kClass, true), field("name", C::kSymbol, true),
                              field("descriptor", C::kSymbol, true), field("modifiers", C::kInt),
                              field("hidden", C::kBoolean)}));
  types.push_back(withFields(type(C::kSymbol, "jdk.types.Symbol", nullptr, true), {field("string", C::kString)}));
  types.push_back(
      withFields(type(C::kFrameType, "jdk.types.FrameType", nullptr, true), {field("description", C::kString)}));
  types.push_back(withFields(type(C::kThreadState, "jdk.types.ThreadState", nullptr, true), {field("name", C::kString)}));

  types.push_back(withFields(type(C::kExecutionSample, "jdk.ExecutionSample", "jdk.jfr.Event"),
                             {startTime(), field("sampledThread", C::kThread, true),
                              field("stackTrace", C::kStackTrace, true), field("state", C::kThreadState, true)}));
  // Where async-profiler's converter finds wall-clock samples and their weight.
  types.push_back(withFields(type(C::kWallClockSample, "profiler.WallClockSample", "jdk.jfr.Event"),
                             {startTime(), field("sampledThread", C::kThread, true),
                              field("stackTrace", C::kStackTrace, true), field("state", C::kThreadState, true),
                              field("samples", C::kInt)}));
  Element weight = field("weight", C::kLong);
  weight.children.push_back(annotation(C::kDataAmount, "BYTES"));
  types.push_back(withFields(type(C::kAllocationSample, "jdk.ObjectAllocationSample", "jdk.jfr.Event"),
                             {startTime(), field("eventThread", C::kThread, true),
                              field("stackTrace", C::kStackTrace, true), field("objectClass", C::kClass, true),
                              weight}));
  Element duration = field("duration", C::kLong);
  duration.children.push_back(annotation(C::kTimespan, "TICKS"));
  types.push_back(withFields(type(C::kMonitorEnter, "jdk.JavaMonitorEnter", "jdk.jfr.Event"),
                             {startTime(), duration, field("eventThread", C::kThread, true),
                              field("stackTrace", C::kStackTrace, true), field("monitorClass", C::kClass, true),
                              field("previousOwner", C::kThread, true), field("address", C::kLong)}));

  Element root = MetadataWriter::element("root");
  root.children.push_back(std::move(metadata));
  root.children.push_back(MetadataWriter::element("region", {{"locale", "en_US"}, {"gmtOffset", "0"}}));
  return root;
}

template <typename T, typename Fn>
void pool(std::string* out, uint32_t* count, uint32_t typeId, const std::vector<T>& entries, Fn&& write) {
  if (entries.empty()) return;
  ++*count;
  JfrChunk::putVarint(out, typeId);
  JfrChunk::putVarint(out, entries.size());
  for (const T& e : entries) write(e);
}

}  // namespace

void JfrChunk::putVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void JfrChunk::putString(std::string* out, const std::string& text) {
  if (text.empty()) {
    out->push_back(1);  // the empty string
    return;
  }
  out->push_back(3);  // UTF-8
  putVarint(out, text.size());
  out->append(text);
}

JfrChunk::JfrChunk(uint64_t startTicks, uint64_t startEpochNs)
    : out_(kHeaderSize, '\0'), startTicks_(startTicks), startEpochNs_(startEpochNs), minTicks_(startTicks),
      maxTicks_(startTicks) {}

void JfrChunk::beginEvent(uint32_t typeId) {
  event_.clear();
  putVarint(&event_, typeId);
}

void JfrChunk::endEvent() {
  appendSized(&out_, event_);
  ++events_;
}

void JfrChunk::executionSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace) {
  minTicks_ = std::min(minTicks_, ticks);
  maxTicks_ = std::max(maxTicks_, ticks);
  beginEvent(kExecutionSample);
  putVarint(&event_, ticks);
  putVarint(&event_, thread);
  putVarint(&event_, stackTrace);
  putVarint(&event_, kStateDefault);
  endEvent();
}

void JfrChunk::wallClockSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace, StateKey state,
                               uint64_t samples) {
  minTicks_ = std::min(minTicks_, ticks);
  maxTicks_ = std::max(maxTicks_, ticks);
  beginEvent(kWallClockSample);
  putVarint(&event_, ticks);
  putVarint(&event_, thread);
  putVarint(&event_, stackTrace);
  putVarint(&event_, state);
  putVarint(&event_, samples);
  endEvent();
}

void JfrChunk::allocationSample(uint64_t ticks, uint64_t thread, uint64_t stackTrace, uint64_t objectClass,
                                uint64_t bytes) {
  minTicks_ = std::min(minTicks_, ticks);
  maxTicks_ = std::max(maxTicks_, ticks);
  beginEvent(kAllocationSample);
  putVarint(&event_, ticks);
  putVarint(&event_, thread);
  putVarint(&event_, stackTrace);
  putVarint(&event_, objectClass);
  putVarint(&event_, bytes);
  endEvent();
}

void JfrChunk::monitorEnter(uint64_t startTicks, uint64_t durationTicks, uint64_t thread, uint64_t stackTrace,
                            uint64_t monitorClass) {
  minTicks_ = std::min(minTicks_, startTicks);
  maxTicks_ = std::max(maxTicks_, startTicks + durationTicks);
  beginEvent(kMonitorEnter);
  putVarint(&event_, startTicks);
  putVarint(&event_, durationTicks);
  putVarint(&event_, thread);
  putVarint(&event_, stackTrace);
  putVarint(&event_, monitorClass);
  putVarint(&event_, 0);  // previous owner: not known
  putVarint(&event_, 0);  // monitor address: not recorded
  endEvent();
}

std::string JfrChunk::finish(uint64_t endTicks, const Pools& pools, bool last) {
  // Events may be stamped a little before the boundary that opened this chunk (a sample
  // taken just before, drained just after): the header covers them.
  uint64_t first = std::min(minTicks_, startTicks_);
  uint64_t end = std::max(maxTicks_, endTicks);

  size_t checkpointOffset = out_.size();
  std::string body;
  putVarint(&body, 1);  // the checkpoint event's type
  putVarint(&body, end);
  putVarint(&body, 0);  // duration
  putVarint(&body, 0);  // delta to the previous checkpoint: none, this is the only one
  putVarint(&body, 0);  // not a flush
  std::string poolBytes;
  uint32_t count = 0;
  std::string* p = &poolBytes;
  std::vector<std::pair<uint64_t, const char*>> frameTypes = {
      {kJavaFrame, "Java"}, {kNativeFrame, "Native"}, {kKernelFrame, "Kernel"}};
  pool(p, &count, kFrameType, frameTypes, [p](const auto& e) {
    putVarint(p, e.first);
    putString(p, e.second);
  });
  std::vector<std::pair<uint64_t, const char*>> states = {{kStateDefault, "STATE_DEFAULT"},
                                                          {kStateRunnable, "STATE_RUNNABLE"},
                                                          {kStateSleeping, "STATE_SLEEPING"},
                                                          {kStateWaiting, "STATE_WAITING"},
                                                          {kStateBlocked, "STATE_BLOCKED"}};
  pool(p, &count, kThreadState, states, [p](const auto& e) {
    putVarint(p, e.first);
    putString(p, e.second);
  });
  pool(p, &count, kSymbol, pools.symbols, [p](const Symbol& s) {
    putVarint(p, s.key);
    p->push_back(3);  // the converter reads symbols as UTF-8 only, even empty ones
    putVarint(p, s.text.size());
    p->append(s.text);
  });
  pool(p, &count, kClass, pools.classes, [p](const Class& c) {
    putVarint(p, c.key);
    putVarint(p, 0);  // class loader: not recorded
    putVarint(p, c.nameSymbol);
    putVarint(p, 0);  // package: not recorded
    putVarint(p, 0);  // modifiers
    putVarint(p, 0);  // hidden
  });
  pool(p, &count, kMethod, pools.methods, [p](const Method& m) {
    putVarint(p, m.key);
    putVarint(p, m.classKey);
    putVarint(p, m.nameSymbol);
    putVarint(p, m.descriptorSymbol);
    putVarint(p, m.modifiers);
    putVarint(p, 0);  // hidden
  });
  pool(p, &count, kStackTrace, pools.stackTraces, [p](const StackTrace& t) {
    putVarint(p, t.key);
    putVarint(p, t.truncated ? 1 : 0);
    putVarint(p, t.frames.size());
    for (const Frame& f : t.frames) {
      putVarint(p, f.method);
      putVarint(p, asInt(f.line));
      putVarint(p, asInt(f.bci));
      putVarint(p, f.type);  // one byte: the converter reads it raw
    }
  });
  pool(p, &count, kThread, pools.threads, [p](const Thread& t) {
    putVarint(p, t.key);
    putString(p, t.name);
    putVarint(p, static_cast<uint64_t>(t.tid));
    putString(p, t.name);
    putVarint(p, static_cast<uint64_t>(t.tid));
    putVarint(p, t.virtualMounted ? 1 : 0);
  });
  putVarint(&body, count);
  body += poolBytes;
  appendSized(&out_, body);

  size_t metadataOffset = out_.size();
  MetadataWriter metadata;
  appendSized(&out_, metadata.render(metadataTree(), end));

  // The header, now that every offset is known.
  out_[0] = 'F';
  out_[1] = 'L';
  out_[2] = 'R';
  out_[3] = '\0';
  out_[4] = 0;
  out_[5] = 2;  // major 2
  out_[6] = 0;
  out_[7] = 0;  // minor 0
  putU64(&out_, 8, out_.size());
  putU64(&out_, 16, checkpointOffset);
  putU64(&out_, 24, metadataOffset);
  // Wall-clock time of the first tick, from the one conversion made when the chunk began.
  uint64_t firstEpochNs = startEpochNs_ - (startTicks_ - first);
  putU64(&out_, 32, firstEpochNs);
  putU64(&out_, 40, end - first);
  putU64(&out_, 48, first);
  putU64(&out_, 56, kTicksPerSecond);
  out_[64] = 0;  // file state: finished (a reader waits while it reads 255)
  out_[65] = 0;
  out_[66] = 0;
  out_[67] = static_cast<char>(1 | (last ? 2 : 0));  // compressed integers; final chunk
  return std::move(out_);
}
