# SPDX-License-Identifier: Apache-2.0
# libFuzzer helpers shared by tests/fuzz/<area>/. Clang only; tests/CMakeLists.txt
# includes this (and the fuzz folders) only with -DXDPKIT_FUZZ=ON under clang.
set(XDPKIT_FUZZ_SECONDS 10 CACHE STRING "Seconds each fuzz target runs under ctest")
set(XDPKIT_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

# xdpkit_fuzz_library(NAME SOURCES...): library sources again, instrumented for
# coverage and the sanitizers, for fuzz targets to link.
function(xdpkit_fuzz_library NAME)
  add_library(${NAME} STATIC ${ARGN})
  target_compile_options(${NAME} PRIVATE -fsanitize=fuzzer-no-link ${XDPKIT_SANITIZE})
endfunction()

# xdpkit_fuzz_target(TARGET TEST SOURCE [MAX_LEN n] [LIBS libs...] [SOURCES extra...])
# One libFuzzer binary and its ctest entry (label fuzz), run for
# XDPKIT_FUZZ_SECONDS over corpus/<CORPUS> in the source folder; new inputs go
# to the build tree, so the committed seed corpus never changes behind git.
function(xdpkit_fuzz_target TARGET TEST SOURCE)
  cmake_parse_arguments(F "" "MAX_LEN;CORPUS" "LIBS;SOURCES" ${ARGN})
  if(NOT F_MAX_LEN)
    set(F_MAX_LEN 4096)
  endif()
  add_executable(${TARGET} ${SOURCE} ${F_SOURCES})
  target_compile_options(${TARGET} PRIVATE -fsanitize=fuzzer ${XDPKIT_SANITIZE})
  target_link_options(${TARGET} PRIVATE -fsanitize=fuzzer ${XDPKIT_SANITIZE})
  target_link_libraries(${TARGET} PRIVATE ${F_LIBS})
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/corpus/${F_CORPUS})
  add_test(NAME ${TEST}
    COMMAND ${TARGET} -max_total_time=${XDPKIT_FUZZ_SECONDS} -max_len=${F_MAX_LEN} -timeout=10
            ${CMAKE_CURRENT_BINARY_DIR}/corpus/${F_CORPUS} ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${F_CORPUS})
  set_tests_properties(${TEST} PROPERTIES LABELS fuzz TIMEOUT 120)
endfunction()
