# SPDX-License-Identifier: Apache-2.0
# `cmake --install`: the CLI and its systemd unit (tools/xdpkit), and the
# framework for a user's own handler: the runtime's static libraries, their
# headers, a CMake package (find_package(xdpkit CONFIG) gives xdpkit::xdpkit)
# and a pkg-config file (xdpkit.pc). The BPF programs are inside the
# libraries (bpftool's skeletons embed them), so nothing else is needed at
# run time. tools/examples/ builds against what this installs.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(XDPKIT_LIBRARIES xdpkit_base xdpkit_topology xdpkit_ethtool xdpkit_firewall_rules xdpkit_userspace)
set_target_properties(xdpkit_base PROPERTIES EXPORT_NAME base)
set_target_properties(xdpkit_topology PROPERTIES EXPORT_NAME topology)
set_target_properties(xdpkit_ethtool PROPERTIES EXPORT_NAME ethtool)
set_target_properties(xdpkit_firewall_rules PROPERTIES EXPORT_NAME firewall_rules)
set_target_properties(xdpkit_userspace PROPERTIES EXPORT_NAME userspace)
set_target_properties(xdpkit_bpf_abi PROPERTIES EXPORT_NAME bpf_abi)

# The one target a user links: the data plane and everything under it.
add_library(xdpkit_framework INTERFACE)
target_link_libraries(xdpkit_framework INTERFACE xdpkit_userspace)
target_compile_features(xdpkit_framework INTERFACE cxx_std_20)
set_target_properties(xdpkit_framework PROPERTIES EXPORT_NAME xdpkit)
add_library(xdpkit::xdpkit ALIAS xdpkit_framework)

install(TARGETS ${XDPKIT_LIBRARIES} xdpkit_bpf_abi xdpkit_framework EXPORT xdpkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(dir userspace/base/include topology/include ethtool/include userspace/firewall/include bpf/include
            userspace/include userspace/forward/include)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h*")
endforeach()
install(EXPORT xdpkitTargets NAMESPACE xdpkit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xdpkit)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/xdpkitConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/xdpkitConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xdpkit)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/xdpkitConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/xdpkitConfig.cmake ${PROJECT_BINARY_DIR}/xdpkitConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xdpkit)
configure_file(${PROJECT_SOURCE_DIR}/cmake/xdpkit.pc.in ${PROJECT_BINARY_DIR}/xdpkit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/xdpkit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
