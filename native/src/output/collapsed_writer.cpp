#include "output/collapsed_writer.h"

#include "output/atomic_file.h"

#include <algorithm>
#include <cstdint>

std::string CollapsedWriter::sanitize(const std::string& frame) {
  std::string out = frame;
  for (char& c : out) {
    if (c == ';' || c == '\n' || c == '\r') c = '_';
  }
  return out;
}

std::string CollapsedWriter::oneLine(const std::string& value) {
  std::string out = value;
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

void CollapsedWriter::add(const std::vector<std::string>& rootFirst, uint64_t count) {
  if (count == 0 || rootFirst.empty()) return;
  Stack stack;
  stack.reserve(rootFirst.size());
  for (const std::string& frame : rootFirst) {
    std::string name = sanitize(frame);
    auto it = ids_.find(name);
    if (it == ids_.end()) {
      it = ids_.emplace(name, static_cast<uint32_t>(names_.size())).first;
      names_.push_back(std::move(name));
    }
    stack.push_back(it->second);
  }
  stacks_[stack] += count;
  samples_ += count;
}

std::string CollapsedWriter::renderHeader(const Header& header) const {
  std::string out;
  out += "# jflame: 1\n";
  out += "# event: " + oneLine(header.event) + "\n";
  out += "# units: " + oneLine(header.units) + "\n";
  out += "# " + oneLine(header.intervalKey) + ": " + std::to_string(header.intervalNs) + "\n";
  out += "# duration_ms: " + std::to_string(header.durationMs) + "\n";
  out += "# jvm: " + oneLine(header.jvm) + "\n";
  out += "# samples: " + std::to_string(samples_) + "\n";
  out += "# drops: " + std::to_string(header.drops) + "\n";
  out += "# failed_walks: " + oneLine(header.failedWalks) + "\n";
  out += "# handler_ns_mean: " + std::to_string(header.handlerNsMean) + "\n";
  for (const auto& kv : header.extra) out += "# " + oneLine(kv.first) + ": " + oneLine(kv.second) + "\n";
  return out;
}

std::vector<const std::pair<const CollapsedWriter::Stack, uint64_t>*> CollapsedWriter::sortedStacks() const {
  std::vector<const std::pair<const Stack, uint64_t>*> sorted;
  sorted.reserve(stacks_.size());
  for (const auto& entry : stacks_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [this](const auto* a, const auto* b) {
    return std::lexicographical_compare(a->first.begin(), a->first.end(), b->first.begin(), b->first.end(),
                                        [this](uint32_t x, uint32_t y) { return names_[x] < names_[y]; });
  });
  return sorted;
}

bool CollapsedWriter::renderLines(std::vector<const std::pair<const Stack, uint64_t>*>::const_iterator* next,
                                  std::vector<const std::pair<const Stack, uint64_t>*>::const_iterator end,
                                  size_t budget, std::string* out) const {
  size_t start = out->size();
  for (; *next != end && out->size() - start < budget; ++*next) {
    const auto& stack = **next;
    for (size_t i = 0; i < stack->first.size(); ++i) {
      if (i != 0) *out += ';';
      *out += names_[stack->first[i]];
    }
    *out += ' ';
    *out += std::to_string(stack->second);
    *out += '\n';
  }
  return *next != end;
}

std::string CollapsedWriter::render(const Header& header) const {
  std::string out = renderHeader(header);
  auto sorted = sortedStacks();
  auto next = sorted.cbegin();
  renderLines(&next, sorted.cend(), SIZE_MAX, &out);
  return out;
}

bool CollapsedWriter::write(const std::string& path, const Header& header, std::string* error) const {
  auto sorted = sortedStacks();
  auto next = sorted.cbegin();
  bool headerDone = false;
  // Pieces of about 256 KB: the file never has to fit in memory at once.
  return writeFileAtomically(path, [&](std::string* piece) {
    if (!headerDone) {
      *piece = renderHeader(header);
      headerDone = true;
    }
    return renderLines(&next, sorted.cend(), 256 * 1024, piece);
  }, error);
}
