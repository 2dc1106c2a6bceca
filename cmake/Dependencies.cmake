# Finds every library the project links against. A missing one stops the configure
# step with the Debian package that provides it (scripts/setup installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config' (or run scripts/setup)")
endif()

function(hamail_require_pkg target module debian_package)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "library '${module}' not found: install the Debian package '${debian_package}' (or run scripts/setup)")
  endif()
  message(STATUS "found ${module} ${${target}_VERSION}")
endfunction()

hamail_require_pkg(LIBUV      libuv            libuv1-dev)
hamail_require_pkg(CPG        libcpg           libcpg-dev)
hamail_require_pkg(QUORUM     libquorum        libquorum-dev)
hamail_require_pkg(VOTEQUORUM libvotequorum    libvotequorum-dev)
hamail_require_pkg(CMAP       libcmap          libcmap-dev)
hamail_require_pkg(CFG        libcfg           libcfg-dev)
hamail_require_pkg(NL3        libnl-3.0        libnl-3-dev)
hamail_require_pkg(NLROUTE3   libnl-route-3.0  libnl-route-3-dev)
hamail_require_pkg(YAMLCPP    yaml-cpp         libyaml-cpp-dev)
hamail_require_pkg(GMIME      gmime-3.0        libgmime-3.0-dev)
hamail_require_pkg(LDNS       ldns             libldns-dev)
hamail_require_pkg(SQLITE3    sqlite3          libsqlite3-dev)

# http-parser has no pkg-config file: the header and the library, as an imported target.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(HTTP_PARSER_LIBRARY http_parser)
if(NOT HTTP_PARSER_INCLUDE_DIR OR NOT HTTP_PARSER_LIBRARY)
  message(FATAL_ERROR "library 'http_parser' not found: install the Debian package 'libhttp-parser-dev' (or run scripts/setup)")
endif()
add_library(HttpParser::HttpParser UNKNOWN IMPORTED)
set_target_properties(HttpParser::HttpParser PROPERTIES IMPORTED_LOCATION ${HTTP_PARSER_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${HTTP_PARSER_INCLUDE_DIR})

find_package(OpenSSL 3 QUIET)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL 3 not found: install the Debian package 'libssl-dev' (or run scripts/setup)")
endif()

find_package(nlohmann_json 3 QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "nlohmann_json not found: install the Debian package 'nlohmann-json3-dev' (or run scripts/setup)")
endif()

if(HAMAIL_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR "GoogleTest not found: install the Debian packages 'libgtest-dev libgmock-dev' (or run scripts/setup)")
  endif()
endif()
