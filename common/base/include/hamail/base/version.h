// The project's version, as every program prints it for --version (help2man reads that
// line for the man pages: see cmake/Install.cmake). One number for the whole build.
#pragma once

#include <string>

namespace hamail {

// "0.1.0": CMake's project(VERSION), compiled into src/version.cpp only.
const char* version();

// "PROGRAM (hamail) 0.1.0\n" plus the licence line, what `PROGRAM --version` prints.
std::string version_text(const std::string& program);

}  // namespace hamail
