// JfrChunk: the header's offsets point at the checkpoint and metadata events, the sizes
// add up, and events are encoded field by field as the readers expect.
#include "output/jfr_chunk.h"

#include <cstring>

#include "check.h"

namespace {

uint64_t u64At(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

uint64_t varintAt(const std::string& s, size_t* at) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    unsigned char b = static_cast<unsigned char>(s[(*at)++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
}

void varintsAreLeb128() {
  std::string out;
  JfrChunk::putVarint(&out, 0);
  JfrChunk::putVarint(&out, 127);
  JfrChunk::putVarint(&out, 128);
  JfrChunk::putVarint(&out, 300);
  CHECK_EQ(out.size(), size_t{6});
  size_t at = 0;
  CHECK_EQ(varintAt(out, &at), uint64_t{0});
  CHECK_EQ(varintAt(out, &at), uint64_t{127});
  CHECK_EQ(varintAt(out, &at), uint64_t{128});
  CHECK_EQ(varintAt(out, &at), uint64_t{300});
}

JfrChunk::Pools onePools() {
  JfrChunk::Pools pools;
  pools.symbols = {{1, "()"}, {2, "pkg/Main"}, {3, "work"}};
  pools.classes = {{1, 2}};
  pools.methods = {{1, 1, 3, 1, 0}};
  pools.stackTraces = {{1, false, {{1, 12, 3, JfrChunk::kJavaFrame}}}};
  pools.threads = {{7, "main", 7, false}};
  return pools;
}

void headerPointsAtTheCheckpointAndTheMetadata() {
  JfrChunk chunk(1000, 1'700'000'000'000'000'000ull);
  chunk.executionSample(1500, 7, 1);
  chunk.wallClockSample(1600, 7, 1, JfrChunk::kStateSleeping, 3);
  chunk.allocationSample(1700, 7, 1, 1, 4096);
  chunk.monitorEnter(1650, 100, 7, 1, 1);
  CHECK_EQ(chunk.events(), uint64_t{4});
  std::string bytes = chunk.finish(2000, onePools(), true);
  CHECK_EQ(std::memcmp(bytes.data(), "FLR\0", 4), 0);
  CHECK_EQ(static_cast<int>(bytes[5]), 2);
  CHECK_EQ(u64At(bytes, 8), bytes.size());
  uint64_t checkpoint = u64At(bytes, 16);
  uint64_t metadata = u64At(bytes, 24);
  CHECK(checkpoint > 68 && metadata > checkpoint && metadata < bytes.size());
  CHECK_EQ(u64At(bytes, 32), 1'700'000'000'000'000'000ull);  // the first tick's wall time
  CHECK_EQ(u64At(bytes, 40), uint64_t{1000});                  // 1000 .. 2000
  CHECK_EQ(u64At(bytes, 48), uint64_t{1000});
  CHECK_EQ(u64At(bytes, 56), uint64_t{1'000'000'000});
  CHECK_EQ(static_cast<int>(bytes[67]), 3);  // compressed integers, final chunk

  // Walking the events by their sizes lands exactly on the checkpoint, then the metadata,
  // then the end.
  size_t at = 68;
  std::vector<uint64_t> types;
  while (at < bytes.size()) {
    size_t start = at;
    uint64_t size = varintAt(bytes, &at);
    types.push_back(varintAt(bytes, &at));
    at = start + size;
  }
  CHECK_EQ(at, bytes.size());
  CHECK_EQ(types.size(), size_t{6});
  CHECK_EQ(types[0], uint64_t{JfrChunk::kExecutionSample});
  CHECK_EQ(types[1], uint64_t{JfrChunk::kWallClockSample});
  CHECK_EQ(types[4], uint64_t{1});
  CHECK_EQ(types[5], uint64_t{0});

  // The wall sample, field by field: time, thread, stack, state, samples.
  at = 68;
  at += varintAt(bytes, &at) - 1;  // skip the execution sample
  size_t wall = at;
  (void)varintAt(bytes, &wall);
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{JfrChunk::kWallClockSample});
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{1600});
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{7});
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{1});
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{JfrChunk::kStateSleeping});
  CHECK_EQ(varintAt(bytes, &wall), uint64_t{3});
}

void eventsBeforeTheStartWidenTheChunk() {
  JfrChunk chunk(1000, 5'000'000'000ull);
  chunk.executionSample(900, 1, 1);  // taken before the boundary, drained after it
  std::string bytes = chunk.finish(1200, onePools(), false);
  CHECK_EQ(u64At(bytes, 48), uint64_t{900});
  CHECK_EQ(u64At(bytes, 32), uint64_t{5'000'000'000ull - 100});
  CHECK_EQ(static_cast<int>(bytes[67]), 1);
}

}  // namespace

int main() {
  varintsAreLeb128();
  headerPointsAtTheCheckpointAndTheMetadata();
  eventsBeforeTheStartWidenTheChunk();
  return check::finish("jfr_chunk_test");
}
