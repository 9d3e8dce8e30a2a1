#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "stacks/cfa_program.h"
#include "stacks/dwarf_cursor.h"

// Reads a loaded object's .eh_frame_hdr and .eh_frame (LSB 5.0, "Exception Frames") from
// memory, so that an object without a file (the vDSO) works like any other. Addresses
// are runtime addresses. Off the signal path.

struct FdeLocation {
  uintptr_t pcBegin;  // from the header's table; 0 when found by a linear walk
  uintptr_t fde;      // address of the FDE record
};

// The FDEs listed by an object's .eh_frame_hdr. Where the header has its binary-search
// table with fixed-size entries (as linkers write it), entries are read from it in place:
// copying libjvm's 60,000 of them cost a megabyte of fresh pages per table build.
// Otherwise they are found by walking .eh_frame and kept here.
class FdeList {
 public:
  size_t size() const { return inPlace_ ? count_ : walked_.size(); }
  FdeLocation operator[](size_t i) const;

 private:
  friend FdeList listFdes(uintptr_t header, const ReadableMemory& memory);
  bool inPlace_ = false;
  const ReadableMemory* memory_ = nullptr;
  uintptr_t table_ = 0;    // first entry
  uintptr_t header_ = 0;   // the data base of datarel entries
  uint8_t encoding_ = 0;
  size_t entryBytes_ = 0;  // an entry: two pointers in encoding_
  size_t count_ = 0;
  std::vector<FdeLocation> walked_;
};

// The FDEs listed by the .eh_frame_hdr at `header`: from its binary-search table when it
// has one, else by walking .eh_frame up to its zero terminator (or the end of the
// readable range). Empty if the header is malformed. `memory` must outlive the list.
FdeList listFdes(uintptr_t header, const ReadableMemory& memory);

// Parses FDEs and the CIEs they name (cached: thousands of FDEs share a few CIEs).
class EhFrameParser {
 public:
  explicit EhFrameParser(const ReadableMemory& memory) : memory_(memory) {}

  // The code range of the FDE at `fde` and the rows of its CFA program, appended to
  // `rows`. False for a CIE, a malformed record or an unknown CFA instruction (rows
  // appended for it must then be discarded by the caller).
  bool parseFde(uintptr_t fde, uintptr_t* pcBegin, uintptr_t* pcEnd, std::vector<CfaRow>* rows);

 private:
  struct Cie {
    bool ok = false;
    uint8_t fdeEncoding = 0;  // DW_EH_PE_absptr unless 'R' says otherwise
    bool hasAugmentationData = false;
    CfaContext context;
  };

  const Cie& cie(uintptr_t address);
  // Reads a record's length; sets *end to the record's end. False for the terminator.
  bool recordBounds(DwarfCursor& c, uintptr_t* end);

  const ReadableMemory& memory_;
  std::unordered_map<uintptr_t, Cie> cies_;
};
