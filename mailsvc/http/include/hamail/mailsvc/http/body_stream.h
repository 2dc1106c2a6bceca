// A response body of unknown length, produced in parts while it is sent (gzip of a large
// file, later Server-Sent Events): BodyProducer makes the parts, StreamedBody frames them
// for the wire (chunked for HTTP/1.1, as they are for HTTP/1.0's end-of-connection framing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hamail::mailsvc::http {

// One pull from a producer.
struct Produced {
  enum class Kind {
    data,    // `bytes` (non-empty, at most the max asked for); pull again for more
    later,   // nothing yet: the producer calls its wake callback once it has more
    end,     // the body is complete (no bytes)
    failed,  // the body cannot be completed (`error`); the connection must be cut
  };
  Kind kind = Kind::end;
  std::string bytes;
  std::string error;

  static Produced data_of(std::string b) { return {Kind::data, std::move(b), {}}; }
  static Produced later() { return {Kind::later, {}, {}}; }
  static Produced end() { return {Kind::end, {}, {}}; }
  static Produced failure(std::string e) { return {Kind::failed, {}, std::move(e)}; }
};

// Makes a body in parts. The shell pulls (`produce`) only when the previous part is
// written. A producer that answers `later` keeps the wake callback and calls it (on the
// loop thread, not from inside produce) when it has more; the shell then pulls again.
class BodyProducer {
 public:
  virtual ~BodyProducer() = default;
  virtual Produced produce(std::size_t max_bytes) = 0;

  // Given by the shell before the first pull; an empty function detaches (the client left).
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }

 protected:
  // For the producer: ask the shell to pull again (nothing happens when detached).
  void wake() const {
    if (wake_) wake_();
  }

 private:
  std::function<void()> wake_;
};

// The wire side of one streamed answer after its head: each pull turns the producer's
// part into wire bytes (a chunk, or the raw part when the framing is the connection's
// end); the end of the body brings the last-chunk.
class StreamedBody {
 public:
  enum class State { more, waiting, done, failed };
  struct Step {
    State state = State::done;
    std::string wire;   // bytes to write (may be empty)
    std::string error;  // when failed
  };

  StreamedBody(std::shared_ptr<BodyProducer> producer, bool chunked)
      : producer_(std::move(producer)), chunked_(chunked) {}

  // Up to `max_bytes` of body (the chunk framing adds a few bytes).
  Step next(std::size_t max_bytes);

  bool chunked() const { return chunked_; }
  std::uint64_t body_bytes() const { return body_bytes_; }  // body bytes produced so far
  BodyProducer& producer() { return *producer_; }

 private:
  std::shared_ptr<BodyProducer> producer_;
  bool chunked_ = true;
  bool finished_ = false;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace hamail::mailsvc::http
