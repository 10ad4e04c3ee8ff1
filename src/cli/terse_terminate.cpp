// A CLI built for size (KITE_FOR_SIZE) ends with abort() when std::terminate
// is called, instead of libstdc++'s verbose handler, which prints the
// exception's demangled type and so links in the ~40 KB demangler. kite
// throws no exceptions; with -fno-exceptions the only terminate left is a
// failed allocation inside the C++ library. Defining the handler variable
// keeps the library's definition (eh_term_handler.o) out of the link.
#include <cstdlib>
#include <exception>

namespace __cxxabiv1 {
std::terminate_handler __terminate_handler = std::abort;
} // namespace __cxxabiv1
