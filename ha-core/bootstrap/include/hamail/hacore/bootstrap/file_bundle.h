// The file bundle: a plan's files as one byte string that travels on ssh's stdin (a key
// never goes on a command line). A versioned header, one record per file (mode, rule,
// path and content with their lengths), an end line with the count. Decoding is strict and
// bounded, since it reads a pipe; its errors name the record and never quote a content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/bootstrap/bootstrap_plan.h"

namespace hamail::bootstrap {

inline constexpr int kBundleVersion = 1;
inline constexpr std::size_t kMaxBundleFiles = 64;
inline constexpr std::size_t kMaxBundlePathBytes = 1024;
inline constexpr std::size_t kMaxBundleFileBytes = 1 << 20;
inline constexpr std::size_t kMaxBundleBytes = 8 << 20;  // a reader stops reading past this

//   hamail-files 1\n
//   file MODE RULE PATH_BYTES CONTENT_BYTES\n PATH \n CONTENT \n     (once per file)
//   end COUNT\n
// MODE: 4 octal digits (0400); RULE: replace | keep-unless-example | keep.
std::string encode_bundle(const std::vector<PlannedFile>& files);

// Refuses another version, a truncated or oversized bundle, a path that is not absolute and
// normalized, a mode beyond 0777, a path given twice, and any byte after the end line.
Result<std::vector<PlannedFile>> decode_bundle(std::string_view bytes);

}  // namespace hamail::bootstrap
