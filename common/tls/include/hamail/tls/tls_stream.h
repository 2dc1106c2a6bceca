// TLS over a connected hamail::uv::Stream, with Stream's callback style and bounded
// writes: a thin adapter feeding a TlsSession from the socket and the socket from the
// session. Starts on a fresh connection, or upgrades one mid-stream (STARTTLS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_session.h"

namespace hamail::tls {

// What upgrade() does with plaintext the protocol layer had already read past the
// STARTTLS command (or the server's "220" reply). It was sent in the clear and must
// never be treated as if it came under TLS (the STARTTLS command injection bug).
enum class PipelinedPlaintext {
  refuse,   // upgrade() fails and closes the connection (default)
  discard,  // the bytes are dropped; the caller may log how many
};

struct TlsStreamOptions {
  std::string server_name;                  // client: SNI / expected certificate name
  std::uint64_t handshake_timeout_ms = 10000;  // 0: none
  PipelinedPlaintext pipelined = PipelinedPlaintext::refuse;
};

class TlsStream {
 public:
  using OnData = uv::Stream::OnData;  // decrypted bytes, in order
  // Once: ok after the peer's close_notify; otherwise the handshake or I/O error naming
  // the peer ("peer 10.0.0.2:7789: TLS handshake failed: wrong shared secret ...").
  using OnEnd = uv::Stream::OnEnd;
  using OnHandshake = std::function<void()>;

  // Starts TLS on a freshly connected stream (replication link, ports 465/993/995/443).
  static Result<std::unique_ptr<TlsStream>> start(uv::EventLoop& loop, std::unique_ptr<uv::Stream> stream,
                                                  const TlsContext& ctx, TlsStreamOptions options = {});
  // STARTTLS: switches a plaintext stream to TLS. Call it from the on_data callback in
  // which the command (server) or the go-ahead reply (client) was parsed, after writing
  // any plaintext reply, so that no later plaintext read reaches the old callback.
  // `unprocessed` = bytes already read after that line; handled per options.pipelined.
  static Result<std::unique_ptr<TlsStream>> upgrade(uv::EventLoop& loop, std::unique_ptr<uv::Stream> stream,
                                                    const TlsContext& ctx, std::string_view unprocessed,
                                                    TlsStreamOptions options = {});
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Starts reading: the handshake only progresses while reading. `on_handshake` runs
  // once when the connection is established (see describe()).
  Status start_reading(OnData on_data, OnEnd on_end, OnHandshake on_handshake = {});
  void pause_reading();
  Status resume_reading();

  // Encrypts and queues `data` (before the handshake completes it waits in the
  // session). Fails, queueing nothing, when the bytes not yet sent plus `data` (with
  // its record overhead) would pass the write limit: Stream's semantics.
  Status write(std::string data);
  std::size_t pending_write_bytes() const;  // ciphertext unsent + plaintext not yet encrypted
  void set_write_limit(std::size_t bytes);
  // Runs when the socket has taken queued ciphertext (uv::Stream::set_on_written).
  void set_on_written(std::function<void()> on_written);
  // Sends close_notify after the queued data, then half-closes the socket.
  Status shutdown();
  // Closes the socket now; no callback runs afterwards. The destructor does the same.
  void close();
  bool is_open() const;

  const std::string& peer() const { return peer_; }
  bool handshake_done() const;
  std::string describe() const;  // "TLSv1.3 TLS_AES_256_GCM_SHA384 psk=r0"
  const TlsSession& session() const;

 private:
  struct Core;
  explicit TlsStream(std::shared_ptr<Core> core, std::string peer) : core_(std::move(core)), peer_(std::move(peer)) {}
  std::shared_ptr<Core> core_;
  std::string peer_;
};

}  // namespace hamail::tls
