# hamail_unit_tests(TARGET [TIMEOUT SECONDS]): a GoogleTest binary as one ctest test, label
# `unit`, every case in one process. One process per case (gtest_discover_tests) paid the
# sanitizers' start-up ~1,700 times, about 5 minutes of a CI run; one case alone is
# `build/test/bin/TARGET --gtest_filter=Suite.Case`, and a failure names its cases.
function(hamail_unit_tests target)
  cmake_parse_arguments(arg "" "TIMEOUT" "" ${ARGN})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  add_test(NAME ${target} COMMAND ${target} --gtest_color=no)
  set_tests_properties(${target} PROPERTIES LABELS unit TIMEOUT ${arg_TIMEOUT})
endfunction()
