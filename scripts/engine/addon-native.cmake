# Included at the end of node-llama-cpp's project() (CMAKE_PROJECT_llama-addon_INCLUDE): the
# addon's own loops over the vocabulary (the probabilities head, patch 0004) with this machine's
# vector instructions, as GGML_NATIVE gives ggml's. Only on x86-64 with GCC or Clang: arm64's
# baseline already has NEON, and MSVC has no -march=native.
if (CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    set_source_files_properties("${CMAKE_CURRENT_SOURCE_DIR}/addon/AddonContext.cpp"
        PROPERTIES COMPILE_OPTIONS "-march=native")
endif()
