// One client's socket as a mail daemon's connection uses it: plain and upgraded in place
// by STARTTLS/STLS, or TLS from the first byte; bounded writes; reading paused while the
// connection works on the pool; shutdown after the queued bytes. The protocol lives in
// the connection's sans-IO session; this is only the byte pipe under it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_stream.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

class ClientStream {
 public:
  using OnData = uv::Stream::OnData;  // received bytes (decrypted under TLS), in order
  using OnEnd = uv::Stream::OnEnd;    // once: ok when the peer closed, else the error naming it

  // `write_limit`: the bytes a slow reader may leave queued before write() fails.
  ClientStream(uv::EventLoop& loop, const tls::TlsContext& tls, std::unique_ptr<uv::Stream> stream,
               std::size_t write_limit = uv::Stream::kDefaultWriteLimit);
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  // Starts reading; with ListenerTls::implicit the TLS handshake comes first.
  Status start(ListenerTls tls, OnData on_data, OnEnd on_end);
  // STARTTLS/STLS: call from on_data after queueing the go-ahead reply. Plaintext the
  // client pipelined after the command is dropped (the session has dropped it too);
  // `on_handshake` runs once TLS is established.
  Status start_tls(std::function<void()> on_handshake);

  Status write(std::string bytes);
  // Bytes written but not yet sent (under TLS: plaintext not yet encrypted too); httpd
  // sends a file range in pieces while this stays low.
  std::size_t pending_write_bytes() const;
  // Runs on the loop each time queued bytes were handed to the kernel (for a writer
  // that waits for the queue to shrink: imapd's streamed FETCH); never after close().
  void set_on_written(std::function<void()> on_written);
  // The socket's descriptor while the connection is plaintext, else -1 (httpd's sendfile).
  int plain_fd() const { return !secure_ && plain_ ? plain_->fd() : -1; }
  void pause_reading();
  Status resume_reading();
  // Sends what is queued (and a TLS close_notify), then half-closes; on_end follows
  // when the peer closes too.
  Status shutdown();
  // Closes now; no callback runs afterwards.
  void close();

  bool encrypted() const { return secure_ != nullptr; }
  std::string tls_description() const;  // "TLSv1.3 TLS_AES_256_GCM_SHA384", empty when plain
  const std::string& peer() const { return peer_; }

 private:
  uv::EventLoop& loop_;
  const tls::TlsContext& tls_;
  std::size_t write_limit_;
  std::string peer_;
  std::unique_ptr<uv::Stream> plain_;
  std::unique_ptr<tls::TlsStream> secure_;
  OnData on_data_;
  OnEnd on_end_;
  std::function<void()> on_written_;
};

}  // namespace hamail::mailsvc::daemon
