#include "hamail/mailsvc/http/body_stream.h"

#include "hamail/mailsvc/http/response.h"

namespace hamail::mailsvc::http {

StreamedBody::Step StreamedBody::next(std::size_t max_bytes) {
  if (finished_) return {State::done, {}, {}};
  if (max_bytes == 0) max_bytes = 1;
  Produced p = producer_->produce(max_bytes);
  switch (p.kind) {
    case Produced::Kind::data:
      if (p.bytes.size() > max_bytes) {  // a producer that ignores its bound: refuse, do not buffer
        finished_ = true;
        return {State::failed, {}, "the producer gave more than it was asked for"};
      }
      body_bytes_ += p.bytes.size();
      if (p.bytes.empty()) return {State::more, {}, {}};
      return {State::more, chunked_ ? encode_chunk(p.bytes) : std::move(p.bytes), {}};
    case Produced::Kind::later:
      return {State::waiting, {}, {}};
    case Produced::Kind::end:
      finished_ = true;
      return {State::done, chunked_ ? std::string(kLastChunk) : std::string(), {}};
    case Produced::Kind::failed:
      finished_ = true;
      return {State::failed, {}, std::move(p.error)};
  }
  return {State::failed, {}, "unknown producer answer"};
}

}  // namespace hamail::mailsvc::http
