# Fuzz targets. A target is a source file defining LLVMFuzzerTestOneInput (libFuzzer's
# entry point). hamail_fuzz_target(NAME SOURCES src... LINK lib... CORPUS dir
# [MUTATIONS n] [INCLUDES dir...]) makes:
#   - in the normal build (any compiler, HAMAIL_TESTS): NAME_replay and the ctest
#     NAME.replay (label unit): the seed corpus and MUTATIONS (default
#     HAMAIL_FUZZ_MUTATIONS) seeded mutations of it through the target (common/fuzz:
#     hamail_fuzz_replay); keep it to a few seconds;
#   - with clang and -DHAMAIL_FUZZ=ON: NAME, a real libFuzzer binary (ASan + UBSan, the
#     whole build instrumented for coverage); scripts/fuzz NAME [SECONDS] runs it.
option(HAMAIL_FUZZ "Build libFuzzer fuzz targets (needs clang; see scripts/fuzz)" OFF)
set(HAMAIL_FUZZ_MUTATIONS 10000 CACHE STRING "Mutations each NAME.replay test runs")

if(HAMAIL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "HAMAIL_FUZZ=ON needs clang (configure with CC=clang CXX=clang++, as scripts/fuzz does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(hamail_fuzz_target name)
  cmake_parse_arguments(F "" "CORPUS;MUTATIONS" "SOURCES;LINK;INCLUDES" ${ARGN})
  if(NOT F_MUTATIONS)
    set(F_MUTATIONS ${HAMAIL_FUZZ_MUTATIONS})
  endif()
  if(NOT F_SOURCES OR NOT F_CORPUS)
    message(FATAL_ERROR "hamail_fuzz_target(${name}): SOURCES and CORPUS are required")
  endif()
  if(HAMAIL_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_link_libraries(${name} PRIVATE ${F_LINK})
    target_include_directories(${name} PRIVATE ${F_INCLUDES})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    # Where scripts/fuzz finds the seeds.
    file(WRITE ${PROJECT_BINARY_DIR}/fuzz/${name}.corpus "${F_CORPUS}")
  elseif(HAMAIL_TESTS)
    add_executable(${name}_replay ${F_SOURCES})
    target_link_libraries(${name}_replay PRIVATE ${F_LINK} hamail_fuzz_replay)
    target_include_directories(${name}_replay PRIVATE ${F_INCLUDES})
    add_test(NAME ${name}.replay
             COMMAND ${name}_replay ${F_CORPUS} --mutations ${F_MUTATIONS} --seed 1)
    set_tests_properties(${name}.replay PROPERTIES LABELS unit TIMEOUT 120)
  endif()
endfunction()
