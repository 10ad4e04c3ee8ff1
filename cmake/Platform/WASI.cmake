# CMake 3.25 does not know WASI: a command module is an executable with the
# .wasm suffix, and there are no shared libraries (cmake/wasm32-wasi.cmake).
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
