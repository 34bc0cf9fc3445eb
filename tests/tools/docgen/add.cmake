# include() this from any CMakeLists.txt that needs goldset_docgen; it exists only when
# cairo was found (libcairo2-dev), so callers test if(TARGET goldset_docgen).
if(NOT TARGET goldset_docgen AND TARGET PkgConfig::CAIRO)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/tools/docgen ${CMAKE_BINARY_DIR}/tests/tools/docgen)
endif()
