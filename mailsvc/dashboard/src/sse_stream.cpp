#include "hamail/mailsvc/dashboard/sse_stream.h"

namespace hamail::mailsvc::dashboard {

std::string sse_event(std::string_view name, const nlohmann::json& data) {
  std::string out = "event: ";
  out += name;
  out += "\ndata: ";
  out += data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += "\n\n";
  return out;
}

std::string sse_comment(std::string_view text) { return ": " + std::string(text) + "\n\n"; }

bool SseStream::push(std::string text) {
  if (dropped_) return false;
  if (bytes_ + text.size() > max_bytes_) {
    dropped_ = true;
    parts_.clear();
    bytes_ = 0;
  } else if (!text.empty()) {
    bytes_ += text.size();
    parts_.push_back(std::move(text));
  }
  if (waiting_) {
    waiting_ = false;
    wake();
  }
  return !dropped_;
}

http::Produced SseStream::produce(std::size_t max_bytes) {
  if (dropped_) return http::Produced::failure("event stream client too slow: more than " +
                                               std::to_string(max_bytes_) + " bytes behind");
  if (parts_.empty() || max_bytes == 0) {
    waiting_ = true;
    return http::Produced::later();
  }
  std::string out;
  while (!parts_.empty()) {
    std::string& front = parts_.front();
    std::size_t room = max_bytes - out.size();
    if (room == 0) break;
    if (front.size() <= room) {
      out += front;
      bytes_ -= front.size();
      parts_.pop_front();
    } else {
      out.append(front, 0, room);
      front.erase(0, room);
      bytes_ -= room;
    }
  }
  return http::Produced::data_of(std::move(out));
}

}  // namespace hamail::mailsvc::dashboard
