# Install the library, its headers, hopt.pc and the CMake package config.
include(CMakePackageConfigHelpers)

install(TARGETS hopt EXPORT hoptTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/hopt/hopt.h ${PROJECT_BINARY_DIR}/include/hopt/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hopt)

file(RELATIVE_PATH HOPT_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(pkgconfig/hopt.pc.in ${PROJECT_BINARY_DIR}/hopt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hopt.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(HOPT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hopt)
install(EXPORT hoptTargets NAMESPACE hopt:: DESTINATION ${HOPT_CMAKE_DIR})
configure_package_config_file(pkgconfig/hoptConfig.cmake.in ${PROJECT_BINARY_DIR}/hoptConfig.cmake
  INSTALL_DESTINATION ${HOPT_CMAKE_DIR})
# Same major version = same ABI (the SONAME follows the major version).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hoptConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hoptConfig.cmake ${PROJECT_BINARY_DIR}/hoptConfigVersion.cmake
  DESTINATION ${HOPT_CMAKE_DIR})
