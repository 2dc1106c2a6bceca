// `hamail-modseq`: a durable high-water mark above every modseq a mailbox has handed out,
// with the boot it was written in. Flag changes rewrite the index without fsync; after a
// reboot (crash, failover) the index may be older than what clients saw, and modseqs
// continue above this mark instead (see README.md, "Durability").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

inline constexpr const char* kModseqMarkFile = "hamail-modseq";
// How far above the index's HIGHESTMODSEQ a mark is written: one durable write (2 fsyncs)
// per this many modseqs; a crash makes modseqs jump by at most this much.
inline constexpr std::uint64_t kModseqMarkMargin = 10000;

struct ModseqMark {
  std::uint64_t highest = 0;  // no modseq above this was handed out
  std::string boot_id;        // /proc/sys/kernel/random/boot_id when written
  bool operator==(const ModseqMark&) const = default;
};

// "hamail-modseq v1 HIGHEST BOOTID\n"; nullopt when the text is not that.
std::optional<ModseqMark> parse_modseq_mark(std::string_view text);
std::string serialize_modseq_mark(const ModseqMark& mark);

// This boot's id ("" when /proc does not say: then no reboot is ever detected).
const std::string& current_boot_id();

// Call with the IndexLock held. Absent: nullopt. A bad file is an error naming it.
Result<std::optional<ModseqMark>> load_modseq_mark(const std::string& maildir);
// Durable (fsync of the file and the directory).
Status save_modseq_mark(const std::string& maildir, const ModseqMark& mark);

}  // namespace hamail::mailsvc::store
