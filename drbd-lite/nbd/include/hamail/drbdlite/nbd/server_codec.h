// The server side of one NBD connection as a sans-IO state machine: feed() it the
// bytes the client sent, then take events with next() (option replies to send,
// commands to execute, requests to refuse, the end of the session). No sockets, no
// clock: the adapter does the I/O, so every byte sequence can be tested in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hamail/base/result.h"
#include "hamail/drbdlite/nbd/protocol.h"

namespace hamail::drbdlite::nbd {

// What this server exports (fixed for the life of the connection).
struct ExportInfo {
  std::string name = "r0";  // the empty name (the "default export") also selects it
  std::string description;  // shown by NBD_OPT_LIST after the name; may be empty
  bool read_only = false;
};

// What can change while the daemon runs: asked again before each option is answered.
struct ExportState {
  std::uint64_t size = 0;
  Status available;  // an error, e.g. "volume r0 is Secondary: I/O refused", refuses NBD_OPT_GO
                     // with NBD_REP_ERR_POLICY carrying that message
};

// One transmission-phase request header.
struct Request {
  std::uint16_t flags = 0;
  std::uint16_t type = 0;
  std::uint64_t handle = 0;  // the client's cookie, echoed in the reply
  std::uint64_t offset = 0;
  std::uint32_t length = 0;

  bool fua() const { return (flags & kCmdFlagFua) != 0; }
  bool no_hole() const { return (flags & kCmdFlagNoHole) != 0; }
  // "NBD_CMD_WRITE handle=0x7 offset=4096 length=512 flags=fua", for logs.
  std::string describe() const;
};

// Handshake bytes to send for one option (which did not end the handshake).
struct HandshakeReply {
  std::uint32_t option = 0;
  std::uint32_t reply = 0;  // NBD_REP_ACK or an NBD_REP_ERR_*: for the log
  std::string message;      // the error text sent to the client, empty on success
  std::string bytes;
};

// The handshake succeeded (NBD_OPT_GO or NBD_OPT_EXPORT_NAME); send `bytes`, then
// transmission begins.
struct TransmissionStarted {
  std::uint32_t option = 0;
  std::string export_name;
  std::uint64_t size = 0;
  std::uint16_t tx_flags = 0;
  std::string bytes;
};

// A valid request to execute; `payload` holds the data of an NBD_CMD_WRITE.
struct Command {
  Request request;
  std::string payload;
};

// A request refused before reaching the backend: reply with `error` (an NBD errno).
struct CommandRefused {
  Request request;
  std::uint32_t error = 0;
  std::string reason;
};

// The session is over: send `bytes` (possibly empty), then close. `clean` for
// NBD_CMD_DISC and NBD_OPT_ABORT (finish the requests in flight first); otherwise
// `reason` says which protocol rule the client broke.
struct Closed {
  bool clean = false;
  std::string reason;
  std::string bytes;
};

using Event = std::variant<HandshakeReply, TransmissionStarted, Command, CommandRefused, Closed>;

class ServerCodec {
 public:
  enum class Phase { client_flags, options, transmission, closed };

  // Options a client may send before it must pick an export; more is a protocol error.
  static constexpr int kMaxOptions = 128;
  // Bytes fed but not yet consumed, at most: one maximal WRITE plus read-ahead.
  static constexpr std::size_t kMaxBuffered = kMaxPayload + kRequestHeaderSize + (1u << 20);
  static constexpr std::uint32_t kLargeWrite = 64u << 10;  // a payload read into its own buffer

  explicit ServerCodec(ExportInfo info);

  // What the server sends first: NBDMAGIC, IHAVEOPT, handshake flags.
  std::string greeting() const;
  // Size and availability used by the next NBD_OPT_INFO / GO / EXPORT_NAME.
  void set_export_state(ExportState state) { state_ = std::move(state); }

  // Appends client bytes. Fails (and closes) when more than kMaxBuffered bytes would
  // be waiting: the adapter must call next() and stop reading under backpressure.
  Status feed(std::string_view bytes);
  // The next event, or nothing until more bytes are fed (or after Closed).
  std::optional<Event> next();

  Phase phase() const { return phase_; }
  std::size_t buffered() const { return in_.size() - pos_ + large_payload_.size(); }
  // Flags sent with the export: HAS_FLAGS|SEND_FLUSH|SEND_FUA|SEND_TRIM|SEND_WRITE_ZEROES
  // (|READ_ONLY). Never CAN_MULTI_CONN: flush on one connection does not cover writes
  // still in flight on another (replication acks).
  std::uint16_t transmission_flags() const;

 private:
  std::optional<Event> next_option();
  std::optional<Event> next_request();
  std::optional<Event> finish_request(const Request& r, std::string payload);  // payload read: validate
  Event answer_option(std::uint32_t option, std::string_view data);
  Event answer_info_or_go(std::uint32_t option, std::string_view data);
  Event answer_export_name(std::string_view name);
  std::optional<std::string> check_export(std::string_view name, std::uint32_t* reply) const;
  std::optional<CommandRefused> validate(const Request& r) const;
  Event close(bool clean, std::string reason, std::string bytes = {});
  void consume(std::size_t n);

  ExportInfo info_;
  ExportState state_;
  Phase phase_ = Phase::client_flags;
  bool no_zeroes_ = false;
  int options_seen_ = 0;
  std::uint64_t size_ = 0;  // negotiated export size
  std::string in_;
  std::size_t pos_ = 0;
  // A large write whose header came before its payload: feed() appends the payload here
  // directly, not to in_ (one copy of each MiB less).
  std::optional<Request> large_write_;
  std::string large_payload_;
};

}  // namespace hamail::drbdlite::nbd
