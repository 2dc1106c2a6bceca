#include "hamail/drbdlite/nbd/server_codec.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

#include "hamail/drbdlite/nbd/wire.h"

namespace hamail::drbdlite::nbd {
namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Printable, bounded rendering of a client-chosen name for messages and logs.
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (s.size() > 64) out += "...";
  return out + "'";
}

constexpr std::uint32_t kKnownClientFlags = kClientFlagFixedNewstyle | kClientFlagNoZeroes;

}  // namespace

std::string Request::describe() const {
  std::string out = command_name(type) + " handle=" + hex(handle) + " offset=" + std::to_string(offset) +
                    " length=" + std::to_string(length);
  if (flags != 0) {
    out += " flags=";
    std::string names;
    if (flags & kCmdFlagFua) names += "fua,";
    if (flags & kCmdFlagNoHole) names += "no_hole,";
    std::uint16_t rest = flags & ~(kCmdFlagFua | kCmdFlagNoHole);
    if (rest) names += hex(rest) + ",";
    names.pop_back();
    out += names;
  }
  return out;
}

ServerCodec::ServerCodec(ExportInfo info) : info_(std::move(info)) {}

std::string ServerCodec::greeting() const { return encode_greeting(); }

std::uint16_t ServerCodec::transmission_flags() const {
  std::uint16_t f = kTxHasFlags | kTxSendFlush | kTxSendFua | kTxSendTrim | kTxSendWriteZeroes;
  if (info_.read_only) f |= kTxReadOnly;
  return f;
}

Status ServerCodec::feed(std::string_view bytes) {
  if (phase_ == Phase::closed) return Status::ok();  // whatever follows DISC or an error is ignored
  if (buffered() + bytes.size() > kMaxBuffered) {
    phase_ = Phase::closed;
    return Error{"client sent " + std::to_string(buffered() + bytes.size()) +
                 " bytes without waiting for replies (limit " + std::to_string(kMaxBuffered) + ")"};
  }
  if (large_write_) {
    std::size_t take = std::min<std::size_t>(bytes.size(), large_write_->length - large_payload_.size());
    large_payload_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
  }
  if (pos_ > 0 && pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  in_.append(bytes);
  return Status::ok();
}

void ServerCodec::consume(std::size_t n) {
  pos_ += n;
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  } else if (pos_ >= (1u << 20) && pos_ * 2 >= in_.size()) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
}

Event ServerCodec::close(bool clean, std::string reason, std::string bytes) {
  phase_ = Phase::closed;
  in_.clear();
  pos_ = 0;
  large_write_.reset();
  large_payload_.clear();
  return Closed{clean, std::move(reason), std::move(bytes)};
}

std::optional<Event> ServerCodec::next() {
  std::string_view in(in_);
  in.remove_prefix(pos_);
  switch (phase_) {
    case Phase::client_flags: {
      if (in.size() < 4) return std::nullopt;
      std::uint32_t flags = get_u32(in, 0);
      consume(4);
      if (flags & ~kKnownClientFlags) {
        return close(false, "client flags " + hex(flags) + " set unknown bits (known: fixed_newstyle, no_zeroes)");
      }
      no_zeroes_ = (flags & kClientFlagNoZeroes) != 0;
      phase_ = Phase::options;
      return next_option();
    }
    case Phase::options: return next_option();
    case Phase::transmission: return next_request();
    case Phase::closed: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Event> ServerCodec::next_option() {
  std::string_view in(in_);
  in.remove_prefix(pos_);
  if (in.size() < kOptionHeaderSize) return std::nullopt;
  std::uint64_t magic = get_u64(in, 0);
  std::uint32_t option = get_u32(in, 8);
  std::uint32_t length = get_u32(in, 12);
  if (magic != kOptionMagic) return close(false, "bad option magic " + hex(magic) + " (expected IHAVEOPT)");
  if (length > kMaxOptionData) {
    std::string msg = option_name(option) + " carries " + std::to_string(length) + " bytes of data (limit " +
                      std::to_string(kMaxOptionData) + ")";
    return close(false, msg, encode_option_reply(option, kRepErrTooBig, msg));
  }
  if (in.size() < kOptionHeaderSize + length) return std::nullopt;
  if (++options_seen_ > kMaxOptions) {
    return close(false, "client sent more than " + std::to_string(kMaxOptions) + " options without choosing an export");
  }
  std::string data(in.substr(kOptionHeaderSize, length));
  consume(kOptionHeaderSize + length);
  return answer_option(option, data);
}

Event ServerCodec::answer_option(std::uint32_t option, std::string_view data) {
  switch (option) {
    case kOptExportName: return answer_export_name(data);
    case kOptAbort:
      return close(true, "client aborted the handshake (NBD_OPT_ABORT)", encode_option_reply(option, kRepAck));
    case kOptList: {
      if (!data.empty()) {
        std::string msg = "NBD_OPT_LIST takes no data";
        return HandshakeReply{option, kRepErrInvalid, msg, encode_option_reply(option, kRepErrInvalid, msg)};
      }
      std::string bytes;
      if (info_.description.empty()) {
        bytes = encode_rep_server(info_.name);
      } else {
        std::string d;
        put_u32(d, static_cast<std::uint32_t>(info_.name.size()));
        d += info_.name;
        d += info_.description;
        bytes = encode_option_reply(kOptList, kRepServer, d);
      }
      bytes += encode_option_reply(option, kRepAck);
      return HandshakeReply{option, kRepAck, {}, std::move(bytes)};
    }
    case kOptInfo:
    case kOptGo: return answer_info_or_go(option, data);
    default: {
      std::string msg = option_name(option) + " is not supported by this server (simple replies, no TLS)";
      return HandshakeReply{option, kRepErrUnsup, msg, encode_option_reply(option, kRepErrUnsup, msg)};
    }
  }
}

// Why `name` cannot be served now (and the reply type to say so), or nothing.
std::optional<std::string> ServerCodec::check_export(std::string_view name, std::uint32_t* reply) const {
  if (!name.empty() && name != info_.name) {
    *reply = kRepErrUnknown;
    return "no export named " + quoted(name) + " (this server exports '" + info_.name + "')";
  }
  // The export exists but this node may not serve it now (Secondary): a policy
  // refusal. libnbd then says "server policy prevents NBD_OPT_GO" (ERR_UNKNOWN would
  // make it say "server has no export named 'r0'", sending users after a typo), and
  // qemu prints our message ("server reported: volume r0 is Secondary: ...").
  *reply = kRepErrPolicy;
  if (!state_.available) return state_.available.message();
  return std::nullopt;
}

Event ServerCodec::answer_info_or_go(std::uint32_t option, std::string_view data) {
  auto invalid = [&](std::string msg) -> Event {
    return HandshakeReply{option, kRepErrInvalid, msg, encode_option_reply(option, kRepErrInvalid, msg)};
  };
  if (data.size() < 6) return invalid(option_name(option) + " data too short (" + std::to_string(data.size()) + " bytes)");
  std::uint32_t name_len = get_u32(data, 0);
  if (name_len > kMaxNameLength || 4ull + name_len + 2 > data.size()) {
    return invalid(option_name(option) + " export name length " + std::to_string(name_len) +
                   " does not fit the option data");
  }
  std::string_view name = data.substr(4, name_len);
  std::uint16_t count = get_u16(data, 4 + name_len);
  if (data.size() != 4ull + name_len + 2 + 2ull * count) {
    return invalid(option_name(option) + " lists " + std::to_string(count) + " information requests but carries " +
                   std::to_string(data.size()) + " bytes");
  }
  bool want_name = false;
  for (std::uint16_t i = 0; i < count; ++i) {
    if (get_u16(data, 4 + name_len + 2 + 2u * i) == kInfoName) want_name = true;
  }
  std::uint32_t err = 0;
  if (auto why = check_export(name, &err)) {
    return HandshakeReply{option, err, *why, encode_option_reply(option, err, *why)};
  }
  std::uint16_t flags = transmission_flags();
  std::string bytes = encode_info_export(option, state_.size, flags);
  if (want_name) bytes += encode_info_name(option, info_.name);
  // Sent even when not requested (the spec allows it): clients that honour it align.
  bytes += encode_info_block_size(option, kMinBlockSize, kPreferredBlockSize, kMaxPayload);
  bytes += encode_option_reply(option, kRepAck);
  if (option == kOptInfo) return HandshakeReply{option, kRepAck, {}, std::move(bytes)};
  phase_ = Phase::transmission;
  size_ = state_.size;
  return TransmissionStarted{option, info_.name, size_, flags, std::move(bytes)};
}

Event ServerCodec::answer_export_name(std::string_view name) {
  std::uint32_t err = 0;
  if (name.size() > kMaxNameLength) return close(false, "NBD_OPT_EXPORT_NAME: export name longer than 4096 bytes");
  // NBD_OPT_EXPORT_NAME has no error reply: the only way to refuse is to close.
  if (auto why = check_export(name, &err)) return close(false, "NBD_OPT_EXPORT_NAME refused: " + *why);
  phase_ = Phase::transmission;
  size_ = state_.size;
  std::uint16_t flags = transmission_flags();
  return TransmissionStarted{kOptExportName, info_.name, size_, flags,
                             encode_export_name_reply(size_, flags, no_zeroes_)};
}

std::optional<Event> ServerCodec::next_request() {
  if (large_write_) {
    if (large_payload_.size() < large_write_->length) return std::nullopt;
    Request r = *large_write_;
    large_write_.reset();
    std::string payload = std::move(large_payload_);
    large_payload_.clear();
    return finish_request(r, std::move(payload));
  }
  std::string_view in(in_);
  in.remove_prefix(pos_);
  if (in.size() < kRequestHeaderSize) return std::nullopt;
  std::uint32_t magic = get_u32(in, 0);
  if (magic != kRequestMagic) {
    return close(false, "bad request magic " + hex(magic) + " (expected 0x25609513); stream out of sync");
  }
  Request r;
  r.flags = get_u16(in, 4);
  r.type = get_u16(in, 6);
  r.handle = get_u64(in, 8);
  r.offset = get_u64(in, 16);
  r.length = get_u32(in, 24);
  std::string payload;
  if (r.type == kCmdWrite) {
    // The payload must be consumed before any reply; one larger than we would ever
    // buffer ends the session (the spec allows a hard disconnect here).
    if (r.length > kMaxPayload) {
      return close(false, r.describe() + ": payload exceeds the maximum of " + std::to_string(kMaxPayload) + " bytes");
    }
    if (in.size() < kRequestHeaderSize + r.length) {
      if (r.length < kLargeWrite) return std::nullopt;
      large_write_ = r;  // the rest of its payload goes straight to large_payload_
      large_payload_.reserve(r.length);
      large_payload_.assign(in.substr(kRequestHeaderSize));
      consume(in.size());
      return std::nullopt;
    }
    payload.assign(in.substr(kRequestHeaderSize, r.length));
    consume(kRequestHeaderSize + r.length);
  } else {
    consume(kRequestHeaderSize);
  }
  return finish_request(r, std::move(payload));
}

std::optional<Event> ServerCodec::finish_request(const Request& r, std::string payload) {
  if (r.type == kCmdDisc) return close(true, "client disconnected (NBD_CMD_DISC)");
  if (auto refused = validate(r)) return std::move(*refused);
  return Command{r, std::move(payload)};
}

std::optional<CommandRefused> ServerCodec::validate(const Request& r) const {
  auto refuse = [&](std::uint32_t error, std::string reason) {
    return std::optional<CommandRefused>(CommandRefused{r, error, std::move(reason)});
  };
  bool writes = r.type == kCmdWrite || r.type == kCmdTrim || r.type == kCmdWriteZeroes;
  switch (r.type) {
    case kCmdRead:
    case kCmdWrite:
    case kCmdFlush:
    case kCmdTrim:
    case kCmdWriteZeroes: break;
    case kCmdCache:
    case kCmdBlockStatus: return refuse(kEinval, command_name(r.type) + " was not negotiated");
    default: return refuse(kEinval, "unknown command type " + std::to_string(r.type));
  }
  // FUA is accepted on every command (the spec requires it once advertised).
  std::uint16_t allowed = kCmdFlagFua | (r.type == kCmdWriteZeroes ? kCmdFlagNoHole : 0);
  if (r.flags & ~allowed) return refuse(kEinval, "unsupported command flags " + hex(r.flags & ~allowed));
  if (r.type == kCmdFlush) return std::nullopt;  // offset and length are ignored
  if (writes && info_.read_only) return refuse(kEperm, "export '" + info_.name + "' is read-only");
  if (r.length == 0) return refuse(kEinval, "zero-length request");
  if (r.type == kCmdRead && r.length > kMaxPayload) {
    return refuse(kEinval, "read of " + std::to_string(r.length) + " bytes exceeds the maximum of " +
                               std::to_string(kMaxPayload));
  }
  if (r.offset > std::numeric_limits<std::uint64_t>::max() - r.length) {
    return refuse(kEinval, "offset + length overflows 64 bits");
  }
  if (r.offset + r.length > size_) {
    std::uint32_t err = (r.type == kCmdWrite || r.type == kCmdWriteZeroes) ? kEnospc : kEinval;
    return refuse(err, "range ends at " + std::to_string(r.offset + r.length) + ", beyond the export size " +
                           std::to_string(size_));
  }
  return std::nullopt;
}

}  // namespace hamail::drbdlite::nbd
