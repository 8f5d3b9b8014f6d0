# SPDX-License-Identifier: Apache-2.0
# xdpkit_bpf_object(NAME SOURCE)
#
# Compiles SOURCE (a *.bpf.c) with clang -target bpf -O2 -g (the -g is what makes
# BTF, which libbpf needs for maps with BTF-defined keys and for the skeleton), then
# runs `bpftool gen skeleton` to produce NAME.skel.h. The skeleton embeds the ELF,
# so nothing is loaded from a path at run time. The result is an INTERFACE library
# NAME_skel that C++ targets link to get the header on their include path.
find_program(XDPKIT_CLANG NAMES clang-14 clang REQUIRED)
find_program(XDPKIT_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
execute_process(COMMAND uname -m OUTPUT_VARIABLE XDPKIT_UNAME_M OUTPUT_STRIP_TRAILING_WHITESPACE)
if(XDPKIT_UNAME_M STREQUAL "x86_64")
  set(XDPKIT_BPF_ARCH x86)
  set(XDPKIT_MULTIARCH_INC /usr/include/x86_64-linux-gnu)
elseif(XDPKIT_UNAME_M STREQUAL "aarch64")
  set(XDPKIT_BPF_ARCH arm64)
  set(XDPKIT_MULTIARCH_INC /usr/include/aarch64-linux-gnu)
else()
  message(FATAL_ERROR "xdpkit: no BPF target arch mapping for ${XDPKIT_UNAME_M}")
endif()

function(xdpkit_bpf_object NAME SOURCE)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.bpf.o)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/skel)
  set(skel ${skel_dir}/xdpkit/bpf/${NAME}.skel.h)
  get_filename_component(src_abs ${SOURCE} ABSOLUTE)
  file(GLOB bpf_headers ${CMAKE_SOURCE_DIR}/bpf/include/xdpkit/bpf/*.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${XDPKIT_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${XDPKIT_BPF_ARCH}
            -Wall -Werror -I${CMAKE_SOURCE_DIR}/bpf/include -I${XDPKIT_MULTIARCH_INC}
            -c ${src_abs} -o ${obj}
    DEPENDS ${src_abs} ${bpf_headers}
    COMMENT "BPF ${NAME}.bpf.c -> ${NAME}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}/xdpkit/bpf
    COMMAND ${XDPKIT_BPFTOOL} gen skeleton ${obj} name ${NAME} > ${skel}
    DEPENDS ${obj}
    COMMENT "bpftool gen skeleton ${NAME}"
    VERBATIM)
  add_custom_target(${NAME}_skel_gen DEPENDS ${skel})
  add_library(${NAME}_skel INTERFACE)
  add_dependencies(${NAME}_skel ${NAME}_skel_gen)
  target_include_directories(${NAME}_skel INTERFACE ${skel_dir} ${CMAKE_SOURCE_DIR}/bpf/include)
  target_link_libraries(${NAME}_skel INTERFACE PkgConfig::LIBBPF)
  set_property(GLOBAL APPEND PROPERTY XDPKIT_BPF_OBJECTS ${obj})
endfunction()
