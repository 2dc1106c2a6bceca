# hamail_unit_tests(TARGET [TIMEOUT SECONDS] [SHARDS N]): a GoogleTest binary as one ctest
# test, label `unit`, every case in one process (or as N tests, TARGET.shard0..N-1, each
# running a share of the cases through GoogleTest's GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX:
# for the binaries whose cases take minutes in all). One process per case
# (gtest_discover_tests) paid the sanitizers' start-up ~1,700 times, about 5 minutes of a CI
# run. One case alone: `build/test/bin/TARGET --gtest_filter=Suite.Case`.
function(hamail_unit_tests target)
  cmake_parse_arguments(arg "" "TIMEOUT;SHARDS" "" ${ARGN})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  if(NOT arg_SHARDS)
    add_test(NAME ${target} COMMAND ${target} --gtest_color=no)
    set_tests_properties(${target} PROPERTIES LABELS unit TIMEOUT ${arg_TIMEOUT})
    return()
  endif()
  math(EXPR last "${arg_SHARDS} - 1")
  foreach(i RANGE ${last})
    add_test(NAME ${target}.shard${i} COMMAND ${target} --gtest_color=no)
    set_tests_properties(${target}.shard${i} PROPERTIES LABELS unit TIMEOUT ${arg_TIMEOUT}
      ENVIRONMENT "GTEST_TOTAL_SHARDS=${arg_SHARDS};GTEST_SHARD_INDEX=${i}")
  endforeach()
endfunction()
