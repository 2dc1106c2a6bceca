// The replication link's wire protocol: length-prefixed frames carrying typed messages
// between the two drbd-lite daemons of a volume. Pure encode/decode; a FrameReader
// reassembles frames from arbitrary chunks and rejects oversized or malformed input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::drbdlite::wire {

inline constexpr std::uint32_t kMagic = 0x444c5250;  // "DLRP"
// 2: barriers settle the acknowledged writes, the same-version tie-break reads the hellos;
// a version-1 peer would decide a resync's direction differently: refused, by name.
// 3: the hello carries what the after-split-brain policies decide with (changed blocks, the
// policies themselves, whether the node diverged as Primary).
// 4: rs_done carries the source's generation ids: the version the target takes.
inline constexpr std::uint32_t kProtocolVersion = 4;
inline constexpr std::size_t kHeaderBytes = 12;       // magic u32, type u16, reserved u16, length u32
inline constexpr std::size_t kMaxPayload = (32u << 20) + 4096;
// Peer-supplied lengths that make the receiver read or write that much at once.
inline constexpr std::uint32_t kMaxVerifyBytes = 1u << 20;    // one verify_req: read and hashed in one go
inline constexpr std::uint32_t kMaxDiscardBytes = 64u << 20;  // one discard (larger ones go in pieces)

enum class Type : std::uint16_t {
  hello = 1, state = 2, write = 3, write_ack = 4, recv_ack = 5, flush = 6, flush_ack = 7,
  discard = 8, bitmap = 9, bitmap_done = 10, rs_data = 11, rs_ack = 12, rs_done = 13,
  verify_req = 14, verify_reply = 15, verify_done = 16, ping = 17, pong = 18, refuse = 19,
};

struct GenIds {
  std::uint64_t current = 0, bitmap = 0, history0 = 0, history1 = 0;
  bool operator==(const GenIds&) const = default;
};

struct Hello {
  std::uint32_t version = kProtocolVersion;
  std::string volume;
  std::string node;
  std::uint64_t size_bytes = 0;
  std::uint8_t role = 0;        // core::Role
  std::uint8_t disk = 0;        // core::DiskState
  std::uint32_t flags = 0;      // kHello* below
  GenIds gen;
  std::uint64_t changed_blocks = 0;  // 4 KiB blocks its bitmap names
  std::string split_brain_policy;    // SplitBrainPolicy::describe(): both sides must agree
};
inline constexpr std::uint32_t kHelloPrimaryCrashed = 1;  // was Primary and did not demote cleanly
inline constexpr std::uint32_t kHelloDiscardMyData = 2;   // operator: this side loses a split brain
inline constexpr std::uint32_t kHelloDivergedAsPrimary = 4;  // was Primary when its data diverged from the peer's
// Lost its Primary while up and has not crashed since: its cache holds every write that
// Primary completed (protocol C), so a crashed Primary's activity-log extents resync from it.
inline constexpr std::uint32_t kHelloHoldsPrimaryWrites = 8;

struct State { std::uint8_t role = 0; std::uint8_t disk = 0; };
struct Write { std::uint64_t seq = 0; std::uint64_t offset = 0; bool fua = false; std::string data; };
struct WriteAck { std::uint64_t seq = 0; std::int32_t error = 0; };  // error: 0 or an errno
struct RecvAck { std::uint64_t seq = 0; };
struct Flush { std::uint64_t seq = 0; };
struct FlushAck { std::uint64_t seq = 0; std::int32_t error = 0; };
struct Discard { std::uint64_t seq = 0; std::uint64_t offset = 0; std::uint32_t length = 0; bool zeroes = false; bool fua = false; };
struct BitmapChunk { std::uint64_t first_word = 0; std::vector<std::uint64_t> words; };
struct BitmapDone {};
struct RsData { std::uint64_t offset = 0; std::string data; };
struct RsAck { std::uint64_t offset = 0; std::uint32_t length = 0; std::int32_t error = 0; };
// The source's generation ids once it recorded the resync's end: what the target now holds
// (not necessarily the version its hello named: it starts a new one if the peer's disk fails).
struct RsDone { GenIds gen; };
struct VerifyReq { std::uint64_t offset = 0; std::uint32_t length = 0; std::array<std::uint8_t, 32> digest{}; };
struct VerifyReply { std::uint64_t offset = 0; std::uint32_t length = 0; bool match = false; };
struct VerifyDone {};
struct Ping { std::uint64_t cookie = 0; };
struct Pong { std::uint64_t cookie = 0; };
struct Refuse { std::string reason; };

using Message = std::variant<Hello, State, Write, WriteAck, RecvAck, Flush, FlushAck, Discard, BitmapChunk,
                             BitmapDone, RsData, RsAck, RsDone, VerifyReq, VerifyReply, VerifyDone, Ping, Pong,
                             Refuse>;

std::string encode(const Message& m);
Result<Message> decode(Type type, std::string_view payload);
std::string_view type_name(const Message& m);

// Reassembles frames from a byte stream. After an error the stream is unusable.
class FrameReader {
 public:
  // Appends bytes; then call next() until it returns nothing.
  void feed(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }
  // The next complete message, nothing when more bytes are needed, or an error.
  Result<std::optional<Message>> next();
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  std::string buffer_;
  std::size_t pos_ = 0;
};

}  // namespace hamail::drbdlite::wire
