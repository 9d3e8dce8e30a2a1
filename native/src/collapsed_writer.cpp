#include "collapsed_writer.h"

#include "atomic_file.h"

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
  std::string line;
  for (const std::string& frame : rootFirst) {
    if (!line.empty()) line += ';';
    line += sanitize(frame);
  }
  stacks_[line] += count;
  samples_ += count;
}

std::string CollapsedWriter::render(const Header& header) const {
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
  for (const auto& stack : stacks_) {
    out += stack.first;
    out += ' ';
    out += std::to_string(stack.second);
    out += '\n';
  }
  return out;
}

bool CollapsedWriter::write(const std::string& path, const Header& header, std::string* error) const {
  return writeFileAtomically(path, render(header), error);
}
