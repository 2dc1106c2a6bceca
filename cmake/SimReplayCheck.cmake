# A simulator's replay ctest (drbd-lite/sim, ha-core/sim): `SIM --seed N --trace` twice must print
# the same bytes. cmake -DSIM=path/to/the-sim -DSEED=N -P SimReplayCheck.cmake
foreach(run 1 2)
  execute_process(COMMAND ${SIM} --seed ${SEED} --trace OUTPUT_VARIABLE out${run} RESULT_VARIABLE rc${run})
endforeach()
string(LENGTH "${out1}" bytes)
if(NOT bytes GREATER 10000)
  message(FATAL_ERROR "seed ${SEED}: a trace of only ${bytes} bytes")
endif()
if(NOT out1 STREQUAL out2 OR NOT rc1 EQUAL rc2)
  message(FATAL_ERROR "seed ${SEED}: the two runs printed different traces (exit ${rc1} / ${rc2})")
endif()
message(STATUS "seed ${SEED}: ${bytes} bytes, the same twice (exit ${rc1})")
