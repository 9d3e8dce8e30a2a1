#include "symbols/readable_name.h"

#include <cstdio>

#include "check.h"

namespace {

struct Case {
  const char* input;
  const char* expected;
};

// Demangled names as __cxa_demangle prints them, reduced to the function name.
void stripsParameterLists() {
  static const Case kCases[] = {
      {"G1ParScanThreadState::trim_queue_to_threshold(unsigned int)", "G1ParScanThreadState::trim_queue_to_threshold"},
      {"Foo::bar() const", "Foo::bar"},
      {"Foo::bar() const &&", "Foo::bar"},
      {"Foo::operator()(int) const", "Foo::operator()"},
      {"Foo::operator()()", "Foo::operator()"},
      {"(anonymous namespace)::helper(int)", "(anonymous namespace)::helper"},
      {"(anonymous namespace)::Outer::run()", "(anonymous namespace)::Outer::run"},
      {"void ns::apply<int, std::pair<int, long> >(int, std::pair<int, long>)", "ns::apply<int, std::pair<int, long> >"},
      {"unsigned long ns::size<char>(char const*)", "ns::size<char>"},
      {"std::vector<int, std::allocator<int> >::push_back(int const&)", "std::vector<int, std::allocator<int> >::push_back"},
      {"run(void (*)(int), int)", "run"},
      {"Foo::operator new(unsigned long)", "Foo::operator new"},
      {"Foo::operator delete[](void*)", "Foo::operator delete[]"},
      {"Foo::operator unsigned int() const", "Foo::operator unsigned int"},
      {"Foo::operator<(Foo const&) const", "Foo::operator<"},
      {"Foo::operator<<(int)", "Foo::operator<<"},
      {"Foo::operator->() const", "Foo::operator->"},
      {"Foo::bar(int) [clone .cold]", "Foo::bar"},
      {"Foo::bar(int) [clone .constprop.0] [clone .isra.0]", "Foo::bar"},
      {"main::{lambda(int)#1}::operator()(int) const", "main::{lambda(int)#1}::operator()"},
      {"std::_Function_handler<void (), Foo::start()::{lambda()#1}>::_M_invoke(std::_Any_data const&)",
       "std::_Function_handler<void (), Foo::start()::{lambda()#1}>::_M_invoke"},
      {"Foo::name[abi:cxx11]() const", "Foo::name[abi:cxx11]"},
      {"plain_c_function", "plain_c_function"},
  };
  for (const Case& c : kCases) CHECK_STR(withoutParameters(c.input), c.expected);
}

void demanglesOnlyMangledNames() {
  static const Case kCases[] = {
      {"_ZN20G1ParScanThreadState23trim_queue_to_thresholdEj", "G1ParScanThreadState::trim_queue_to_threshold"},
      {"_ZNK3Foo3barEv", "Foo::bar"},
      {"_ZN12_GLOBAL__N_16helperEi", "(anonymous namespace)::helper"},
      {"_ZNSt6vectorIiSaIiEE9push_backERKi", "std::vector<int, std::allocator<int> >::push_back"},
      {"_Z5applyIiEvT_", "apply<int>"},
      {"deflate", "deflate"},
      {"__libc_start_main", "__libc_start_main"},
      {"_Znot_valid_mangling", "_Znot_valid_mangling"},  // rejected by the demangler: unchanged
      {"_Z", "_Z"},
  };
  for (const Case& c : kCases) CHECK_STR(readableSymbolName(c.input), c.expected);
}

}  // namespace

int main() {
  stripsParameterLists();
  demanglesOnlyMangledNames();
  return check::finish("readable_name_test");
}
