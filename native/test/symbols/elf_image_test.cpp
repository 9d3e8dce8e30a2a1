#include "symbols/elf_image.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "check.h"
#include "symbols/native_symbols.h"

namespace {

const char* const kLibz = "/lib/x86_64-linux-gnu/libz.so.1";
const char* const kLibjvm17 = "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so";

bool exists(const char* path) { return access(path, R_OK) == 0; }

void readsSectionsProgramHeadersAndNotes() {
  if (!exists(kLibjvm17)) {
    std::printf("skipped: %s missing\n", kLibjvm17);
    return;
  }
  ElfImage image = ElfImage::openFile(kLibjvm17);
  CHECK(image.ok());
  ElfImage::Section s;
  CHECK(image.findSection(".symtab", &s));
  CHECK(s.type == SHT_SYMTAB && s.data != nullptr && s.entrySize == sizeof(Elf64_Sym));
  CHECK(image.findSection(".eh_frame_hdr", &s));
  CHECK(image.findSection(".text", &s) && (s.flags & SHF_EXECINSTR) != 0);
  CHECK(!image.findSection(".no_such_section", &s));
  bool ehFrameSegment = false;
  Elf64_Phdr ph;
  for (size_t i = 0; i < image.programHeaderCount(); ++i) {
    CHECK(image.programHeader(i, &ph));
    if (ph.p_type == PT_GNU_EH_FRAME) ehFrameSegment = true;
  }
  CHECK(ehFrameSegment);
  CHECK_EQ(image.buildId().size(), size_t{40});
  std::string link;
  uint32_t crc = 0;
  CHECK(image.debugLink(&link, &crc));
  std::printf("libjvm (17): build-id %s, debuglink %s\n", image.buildId().c_str(), link.c_str());
}

void readsTheVdsoFromMemory() {
  ElfImage vdso = ElfImage::vdso();
  CHECK(vdso.ok());
  ElfImage::Section s;
  CHECK(vdso.findSectionOfType(SHT_DYNSYM, &s));
  CHECK(vdso.findSection(".eh_frame_hdr", &s));
  std::printf("vdso: %zu bytes, %zu sections\n", vdso.size(), vdso.sectionCount());
}

void rejectsWhatIsNotElf() {
  CHECK(!ElfImage::openFile("/no/such/file").ok());
  CHECK(!ElfImage::openFile("/proc/self/status").ok());  // not a regular-sized file
  char text[128] = "not an ELF file at all, just text";
  CHECK(!ElfImage::inMemory(text, sizeof text).ok());
  CHECK(!ElfImage::inMemory(text, 10).ok());
}

// Uses every accessor, so a fuzzed image exercises all parsing paths.
size_t touchEverything(const ElfImage& image) {
  size_t total = 0;
  ElfImage::Section s;
  for (size_t i = 0; i < image.sectionCount() && i < 4096; ++i) {
    if (!image.section(i, &s)) continue;
    total += s.name.size();
    if (s.data != nullptr && s.size > 0) total += s.data[s.size - 1];  // the whole range is readable
  }
  Elf64_Phdr ph;
  for (size_t i = 0; i < image.programHeaderCount() && i < 4096; ++i) total += image.programHeader(i, &ph);
  total += image.buildId().size();
  std::string link;
  uint32_t crc;
  total += image.debugLink(&link, &crc);
  NativeSymbols symbols(image);
  total += symbols.count() + symbols.name(0x1000).size();
  return total;
}

// Random byte flips and truncations of a real library, parsed from a heap copy sized
// exactly: under ASan any read outside it is reported.
void survivesCorruptImages() {
  ElfImage original = ElfImage::openFile(kLibz);
  if (!original.ok()) {
    std::printf("skipped: %s missing\n", kLibz);
    return;
  }
  const uint8_t* bytes = original.bytes(0, original.size());
  std::mt19937_64 random(42);
  size_t touched = 0;
  for (int round = 0; round < 300; ++round) {
    size_t size = original.size();
    if (round % 3 == 0) size = random() % size;  // truncated
    std::vector<uint8_t> copy(bytes, bytes + size);
    int flips = 1 + static_cast<int>(random() % 64);
    for (int f = 0; f < flips && size > 0; ++f) {
      // Most flips in the headers, where they hurt most.
      size_t at = (f % 2 == 0) ? random() % std::min<size_t>(size, 256) : random() % size;
      copy[at] ^= static_cast<uint8_t>(1u << (random() % 8));
    }
    if (round % 5 == 0 && size >= sizeof(Elf64_Ehdr)) {  // header fields set to extremes
      Elf64_Ehdr h;
      std::memcpy(&h, copy.data(), sizeof h);
      h.e_shoff = random();
      h.e_shnum = static_cast<uint16_t>(random());
      h.e_shstrndx = static_cast<uint16_t>(random());
      std::memcpy(copy.data(), &h, sizeof h);
    }
    ElfImage image = ElfImage::inMemory(copy.data(), copy.size());
    touched += touchEverything(image);
  }
  std::printf("fuzz: 300 corrupt images parsed (%zu items seen)\n", touched);
}

}  // namespace

int main() {
  readsSectionsProgramHeadersAndNotes();
  readsTheVdsoFromMemory();
  rejectsWhatIsNotElf();
  survivesCorruptImages();
  return check::finish("elf_image_test");
}
