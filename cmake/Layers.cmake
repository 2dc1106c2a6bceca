# The layering the build enforces (DESIGN.md, "Allowed dependencies"):
#   - every library exports one prefixed include root (include/hamail/<component>/...);
#   - hamail_layer(TARGET core) marks a sans-IO core: it links only hamail_base and other
#     cores, so a libuv/TLS/socket header is not on its include path and fails to compile;
#   - hamail_write_dependency_graph() writes every target's direct links to a file that the
#     dependency-edge test (tests/structure) checks against the allowed edges.
function(hamail_layer target layer)
  if(NOT layer MATCHES "^(base|core|shell)$")
    message(FATAL_ERROR "hamail_layer(${target} ${layer}): layer must be base, core or shell")
  endif()
  set_property(TARGET ${target} PROPERTY HAMAIL_LAYER ${layer})
endfunction()

function(_hamail_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    _hamail_collect_targets(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# One line per target: name, type, source dir, layer, links (;), public include dirs (;),
# sources (;), tab-separated.
function(hamail_write_dependency_graph file)
  _hamail_collect_targets(${PROJECT_SOURCE_DIR} targets)
  set(lines "")
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE|INTERFACE_LIBRARY)$")
      continue()
    endif()
    get_target_property(dir ${t} SOURCE_DIR)
    file(RELATIVE_PATH dir ${PROJECT_SOURCE_DIR} ${dir})
    get_target_property(layer ${t} HAMAIL_LAYER)
    if(type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(links ${t} INTERFACE_LINK_LIBRARIES)
    else()
      get_target_property(links ${t} LINK_LIBRARIES)
    endif()
    get_target_property(incs ${t} INTERFACE_INCLUDE_DIRECTORIES)
    set(sources "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(sources ${t} SOURCES)
    endif()
    string(APPEND lines "${t}\t${type}\t${dir}\t${layer}\t${links}\t${incs}\t${sources}\n")
  endforeach()
  file(WRITE ${file} "${lines}")
endfunction()
