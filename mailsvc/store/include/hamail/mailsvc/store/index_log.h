// The `hamail-uids.log` text, sans-IO: an append-only log of flag changes (one record per
// change: its modseq and each message's new flag letters) next to `hamail-uids`, so a
// STORE appends a line instead of rewriting the index. The header ties the log to one
// exact index text (its size and hash): a log left from an older index is never applied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

// Which index text a log extends: its length and FNV-1a 64 hash.
struct IndexLogTie {
  std::uint64_t index_bytes = 0;
  std::uint64_t index_hash = 0;
  bool operator==(const IndexLogTie&) const = default;
};

// One change: every message it changed gets `modseq` (the new HIGHESTMODSEQ) and these
// flag letters (sorted, "" = none); uids ascending.
struct IndexLogRecord {
  std::uint64_t modseq = 0;
  std::vector<std::pair<std::uint32_t, std::string>> flags;
  bool operator==(const IndexLogRecord&) const = default;
};

IndexLogTie tie_of_index_text(std::string_view index_text);

// "hamail-uids-log v1 INDEXBYTES INDEXHASH\n" (the hash as 16 hex digits).
std::string index_log_header(const IndexLogTie& tie);
// Appends "MODSEQ UID FLAGS[ UID FLAGS]... #CHECK\n" to out: FLAGS letters or "-", CHECK
// the FNV-1a 32 hash of the bytes before " #" as 8 hex digits.
void append_index_log_record(const IndexLogRecord& record, std::string& out);

// Records read from a piece of a log that starts at a line boundary after the header.
struct IndexLogRecords {
  std::vector<IndexLogRecord> records;
  std::size_t used_bytes = 0;  // the good records' bytes: where the next append goes
  std::size_t lines = 0;       // complete good lines read
  bool torn_tail = false;      // the last line was cut (power cut, kill -9): ignored
};

// A last line without '\n', or a last complete line that fails its check (a partly
// written page), is a torn tail: ignored, reported. A bad line followed by another
// complete line is an error "<file>:<line>: ..." (first_line = text's first line number).
Result<IndexLogRecords> parse_index_log_records(std::string_view text, std::size_t first_line, const std::string& file);

// A whole log file checked against the index it should extend.
struct IndexLogFile {
  bool belongs = false;        // the header names this index (else nothing is applied)
  std::size_t header_bytes = 0;
  IndexLogRecords body;        // empty unless belongs
};

// A header cut short (no '\n'): not belonging, torn_tail. A complete header that is
// not one, or a newer version: an error "<file>:1: ...".
Result<IndexLogFile> parse_index_log(std::string_view text, const IndexLogTie& tie, const std::string& file);

}  // namespace hamail::mailsvc::store
