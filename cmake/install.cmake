# `cmake --install`: the C and C++ headers, libkite.a and libkite.so.N,
# kiteConfig.cmake (find_package(kite) gives kite::kite, the shared library,
# and kite::kite_static) and kite.pc (pkg-config; --static for libkite.a).
#
#   include/wasm.h, include/kite.h        the C API and kite's C extensions
#   include/kite/kite.h, kite/wasi.h      the C++ API
#   include/kite/detail/...               internal headers the C++ API uses
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The shared library, from the same objects as the static one.
add_library(kite_shared SHARED)
foreach(layer IN LISTS KITE_LAYERS)
  target_sources(kite_shared PRIVATE $<TARGET_OBJECTS:kite_${layer}>)
endforeach()
set_target_properties(kite_shared PROPERTIES OUTPUT_NAME kite EXPORT_NAME kite
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
target_link_libraries(kite_shared PUBLIC Threads::Threads)
set_target_properties(kite PROPERTIES EXPORT_NAME kite_static)

set(KITE_DETAIL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/kite/detail")
foreach(target kite kite_shared)
  target_include_directories(${target} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}> $<INSTALL_INTERFACE:${KITE_DETAIL_INCLUDEDIR}>)
endforeach()
target_include_directories(kite_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/src>)

install(TARGETS kite kite_shared EXPORT kiteTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS kite_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/wasm.h include/kite.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/kite/kite.h include/kite/wasi.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kite)
# What include/kite/*.h include from src/ (tests/install checks the list is
# complete by compiling against the installed tree alone).
foreach(header model/module.h model/types.h support/byte_buffer.h support/result.h)
  get_filename_component(dir "${header}" DIRECTORY)
  install(FILES src/${header} DESTINATION ${KITE_DETAIL_INCLUDEDIR}/${dir})
endforeach()

set(KITE_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/kite")
install(EXPORT kiteTargets NAMESPACE kite:: DESTINATION ${KITE_CMAKEDIR})
configure_package_config_file(cmake/kiteConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/kiteConfig.cmake" INSTALL_DESTINATION ${KITE_CMAKEDIR})
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/kiteConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/kiteConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/kiteConfigVersion.cmake" DESTINATION ${KITE_CMAKEDIR})

# Relocatable: the prefix is found from where the .pc file is installed.
file(RELATIVE_PATH KITE_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" KITE_PC_TO_PREFIX "${KITE_PC_TO_PREFIX}")
configure_file(cmake/kite.pc.in "${CMAKE_CURRENT_BINARY_DIR}/kite.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/kite.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
