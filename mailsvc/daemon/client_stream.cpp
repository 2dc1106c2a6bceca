#include "hamail/mailsvc/daemon/client_stream.h"

namespace hamail::mailsvc::daemon {

ClientStream::ClientStream(uv::EventLoop& loop, const tls::TlsContext& tls, std::unique_ptr<uv::Stream> stream,
                           std::size_t write_limit)
    : loop_(loop), tls_(tls), write_limit_(write_limit), peer_(stream->peer()), plain_(std::move(stream)) {}

Status ClientStream::start(ListenerTls tls, OnData on_data, OnEnd on_end) {
  on_data_ = std::move(on_data);
  on_end_ = std::move(on_end);
  auto data = [this](std::string_view d) { on_data_(d); };
  auto end = [this](Status s) { on_end_(std::move(s)); };
  if (tls == ListenerTls::starttls) {
    plain_->set_write_limit(write_limit_);
    if (on_written_) plain_->set_on_written(on_written_);
    return plain_->start_reading(data, end);
  }
  auto t = tls::TlsStream::start(loop_, std::move(plain_), tls_);
  if (!t) return Error{"tls start failed: " + t.error()};
  secure_ = std::move(*t);
  secure_->set_write_limit(write_limit_);
  if (on_written_) secure_->set_on_written(on_written_);
  return secure_->start_reading(data, end);
}

Status ClientStream::start_tls(std::function<void()> on_handshake) {
  if (!plain_) return Error{secure_ ? "TLS is already active" : "connection closed"};
  tls::TlsStreamOptions opts;
  opts.pipelined = tls::PipelinedPlaintext::discard;  // the session already dropped it
  auto t = tls::TlsStream::upgrade(loop_, std::move(plain_), tls_, {}, opts);
  if (!t) return Error{"STARTTLS failed: " + t.error()};
  secure_ = std::move(*t);
  secure_->set_write_limit(write_limit_);
  if (on_written_) secure_->set_on_written(on_written_);
  return secure_->start_reading([this](std::string_view d) { on_data_(d); },
                                [this](Status s) { on_end_(std::move(s)); }, std::move(on_handshake));
}

std::size_t ClientStream::pending_write_bytes() const {
  if (secure_) return secure_->pending_write_bytes();
  return plain_ ? plain_->pending_write_bytes() : 0;
}

Status ClientStream::write(std::string bytes) {
  if (secure_) return secure_->write(std::move(bytes));
  if (plain_) return plain_->write(std::move(bytes));
  return Error{"connection closed"};
}

void ClientStream::set_on_written(std::function<void()> on_written) {
  on_written_ = std::move(on_written);
  if (secure_) secure_->set_on_written(on_written_);
  else if (plain_) plain_->set_on_written(on_written_);
}

void ClientStream::pause_reading() {
  if (secure_) secure_->pause_reading();
  else if (plain_) plain_->pause_reading();
}

Status ClientStream::resume_reading() {
  if (secure_) return secure_->resume_reading();
  if (plain_) return plain_->resume_reading();
  return Status::ok();
}

Status ClientStream::shutdown() {
  if (secure_) return secure_->shutdown();
  if (plain_) return plain_->shutdown();
  return Status::ok();
}

void ClientStream::close() {
  if (secure_) secure_->close();
  if (plain_) plain_->close();
}

std::string ClientStream::tls_description() const { return secure_ ? secure_->describe() : std::string(); }

}  // namespace hamail::mailsvc::daemon
