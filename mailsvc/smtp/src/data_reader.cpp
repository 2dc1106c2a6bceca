#include "hamail/mailsvc/smtp/data_reader.h"

#include <algorithm>

namespace hamail::mailsvc::smtp {

void DataReader::emit(char c) {
  ++size_;
  if (size_ <= max_size_) data_.push_back(c);
}

void DataReader::emit_run(std::string_view run) {
  if (size_ < max_size_) data_.append(run.substr(0, static_cast<std::size_t>(max_size_ - size_)));
  size_ += run.size();
}

bool DataReader::push_some(std::string_view in, std::size_t hold, std::size_t& used) {
  used = 0;
  while (used < in.size() && data_.size() < hold) {
    if (state_ == State::text && !line_start_) {
      // The common case: ordinary bytes up to the next CR or LF are data as they are.
      std::size_t end = std::min(in.find_first_of("\r\n", used), used + (hold - data_.size()));
      end = std::min(end, in.size());
      if (end > used) {
        emit_run(in.substr(used, end - used));
        used = end;
        continue;
      }
    }
    if (push(in[used++])) return true;
  }
  return false;
}

void DataReader::bare_cr() {
  ++bare_cr_;  // stored as CRLF, like a bare LF: no bare CR reaches a header or a relay
  emit('\r');
  emit('\n');
  line_start_ = false;
}

void DataReader::text_byte(char c) {
  if (c == '\r') {
    state_ = State::cr;
  } else if (c == '\n') {
    ++bare_lf_;  // stored as CRLF; the next byte is not a line start for dot rules
    emit('\r');
    emit('\n');
    line_start_ = false;
  } else if (c == '.' && line_start_) {
    state_ = State::dot;
  } else {
    emit(c);
    line_start_ = false;
  }
}

bool DataReader::push(char c) {
  switch (state_) {
    case State::text:
      text_byte(c);
      return false;
    case State::cr:
      if (c == '\n') {
        emit('\r');
        emit('\n');
        line_start_ = true;
        state_ = State::text;
      } else {
        bare_cr();
        if (c != '\r') {
          state_ = State::text;
          text_byte(c);
        }  // else: this CR may be the start of a CRLF
      }
      return false;
    case State::dot:
      if (c == '\r') {
        state_ = State::dot_cr;
      } else if (c == '\n') {
        emit('.');  // ".\n" is not the end: keep the dot, nothing is lost
        line_start_ = false;
        state_ = State::text;
        text_byte(c);
      } else {
        // The leading dot of a stuffed line is removed (RFC 5321 4.5.2).
        line_start_ = false;
        state_ = State::text;
        emit(c);
      }
      return false;
    case State::dot_cr:
      if (c == '\n') {
        state_ = State::text;
        return true;
      }
      emit('.');  // ".\r" then something else: the dot is data, the CR a bare CR
      line_start_ = false;
      state_ = State::cr;
      return push(c);
  }
  return false;
}

}  // namespace hamail::mailsvc::smtp
