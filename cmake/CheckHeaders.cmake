# SPDX-License-Identifier: Apache-2.0
# xdpkit_check_headers(TARGET LIBRARY HEADER_ROOT)
#
# Every public header of LIBRARY (the *.hpp and *.h under HEADER_ROOT) compiled
# alone, as the first and only include of its own translation unit: a header
# that leans on what its includer happened to include first fails here, not in
# the next user's file. The objects are built with the rest (ALL) and linked
# into nothing.
function(xdpkit_check_headers TARGET LIBRARY HEADER_ROOT)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${HEADER_ROOT}/*.hpp ${HEADER_ROOT}/*.h)
  set(sources)
  foreach(h ${headers})
    file(RELATIVE_PATH rel ${HEADER_ROOT} ${h})
    string(MAKE_C_IDENTIFIER ${rel} id)
    set(src ${CMAKE_CURRENT_BINARY_DIR}/checkheaders/${id}.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "#include \"${rel}\"\n")
    list(APPEND sources ${src})
  endforeach()
  add_library(${TARGET} OBJECT ${sources})
  target_link_libraries(${TARGET} PRIVATE ${LIBRARY})
  if(NOT TARGET checkheaders)
    add_custom_target(checkheaders)
  endif()
  add_dependencies(checkheaders ${TARGET})
endfunction()
