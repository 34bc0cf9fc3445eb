# include() this from any CMakeLists.txt that needs goldset_docgen.
if(NOT TARGET goldset_docgen)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/tools/docgen ${CMAKE_BINARY_DIR}/tests/tools/docgen)
endif()
