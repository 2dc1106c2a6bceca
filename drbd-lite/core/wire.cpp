#include "hamail/drbdlite/core/wire.h"

#include <bit>
#include <cstring>

#include "hamail/drbdlite/core/states.h"

namespace hamail::drbdlite::wire {
namespace {

class Writer {
 public:
  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { raw(v); }
  void u32(std::uint32_t v) { raw(v); }
  void i32(std::int32_t v) { raw(v); }
  void u64(std::uint64_t v) { raw(v); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out.append(s.data(), s.size());
  }
  void gen(const GenIds& g) { u64(g.current); u64(g.bitmap); u64(g.history0); u64(g.history1); }
  std::string out;

 private:
  template <class T>
  void raw(T v) {  // little-endian hosts only (x86-64, arm64): asserted at build time below
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
  }
};
static_assert(std::endian::native == std::endian::little, "wire format assumes a little-endian host");

// A node reports its own role and disk state as their enum values: anything else is not one.
std::string unknown_state(std::uint8_t role, std::uint8_t disk) {
  if (role > static_cast<std::uint8_t>(Role::primary))
    return "role " + std::to_string(role) + " is neither Secondary (0) nor Primary (1)";
  if (disk > static_cast<std::uint8_t>(DiskState::failed)) return "unknown disk state " + std::to_string(disk);
  return {};
}

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool u8(std::uint8_t& v) { return raw(v); }
  bool u32(std::uint32_t& v) { return raw(v); }
  bool i32(std::int32_t& v) { return raw(v); }
  bool u64(std::uint64_t& v) { return raw(v); }
  bool str(std::string& s, std::size_t max) {
    std::uint32_t n = 0;
    if (!u32(n) || n > max || n > d_.size() - pos_) return false;
    s.assign(d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool rest(std::string& s) {
    s.assign(d_.data() + pos_, d_.size() - pos_);
    pos_ = d_.size();
    return true;
  }
  bool gen(GenIds& g) { return u64(g.current) && u64(g.bitmap) && u64(g.history0) && u64(g.history1); }
  bool bytes(std::uint8_t* p, std::size_t n) {
    if (n > d_.size() - pos_) return false;
    std::memcpy(p, d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == d_.size(); }
  std::size_t left() const { return d_.size() - pos_; }

 private:
  template <class T>
  bool raw(T& v) {
    if (sizeof(T) > d_.size() - pos_) return false;
    std::memcpy(&v, d_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  std::string_view d_;
  std::size_t pos_ = 0;
};

template <class... F>
struct Overload : F... { using F::operator()...; };
template <class... F>
Overload(F...) -> Overload<F...>;

Type type_of(const Message& m) { return static_cast<Type>(m.index() + 1); }

}  // namespace

std::string_view type_name(const Message& m) {
  static constexpr std::string_view names[] = {"hello", "state", "write", "write_ack", "recv_ack", "flush",
                                               "flush_ack", "discard", "bitmap", "bitmap_done", "rs_data",
                                               "rs_ack", "rs_done", "verify_req", "verify_reply", "verify_done",
                                               "ping", "pong", "refuse"};
  return names[m.index()];
}

std::string encode(const Message& m) {
  Writer w;
  std::visit(Overload{
                 [&](const Hello& h) {
                   w.u32(h.version); w.str(h.volume); w.str(h.node); w.u64(h.size_bytes);
                   w.u8(h.role); w.u8(h.disk); w.u32(h.flags); w.gen(h.gen);
                   w.u64(h.changed_blocks); w.str(h.split_brain_policy);
                 },
                 [&](const State& s) { w.u8(s.role); w.u8(s.disk); },
                 [&](const Write& x) { w.u64(x.seq); w.u64(x.offset); w.u8(x.fua ? 1 : 0); w.out += x.data; },
                 [&](const WriteAck& x) { w.u64(x.seq); w.i32(x.error); },
                 [&](const RecvAck& x) { w.u64(x.seq); },
                 [&](const Flush& x) { w.u64(x.seq); },
                 [&](const FlushAck& x) { w.u64(x.seq); w.i32(x.error); },
                 [&](const Discard& x) {
                   w.u64(x.seq); w.u64(x.offset); w.u32(x.length); w.u8(x.zeroes ? 1 : 0); w.u8(x.fua ? 1 : 0);
                 },
                 [&](const BitmapChunk& x) { w.u64(x.first_word); for (auto v : x.words) w.u64(v); },
                 [&](const BitmapDone&) {},
                 [&](const RsData& x) { w.u64(x.offset); w.out += x.data; },
                 [&](const RsAck& x) { w.u64(x.offset); w.u32(x.length); w.i32(x.error); },
                 [&](const RsDone& x) { w.gen(x.gen); },
                 [&](const VerifyReq& x) {
                   w.u64(x.offset); w.u32(x.length);
                   w.out.append(reinterpret_cast<const char*>(x.digest.data()), x.digest.size());
                 },
                 [&](const VerifyReply& x) { w.u64(x.offset); w.u32(x.length); w.u8(x.match ? 1 : 0); },
                 [&](const VerifyDone&) {},
                 [&](const Ping& x) { w.u64(x.cookie); },
                 [&](const Pong& x) { w.u64(x.cookie); },
                 [&](const Refuse& x) { w.str(x.reason); },
             },
             m);
  std::string frame;
  frame.reserve(kHeaderBytes + w.out.size());
  Writer h;
  h.u32(kMagic);
  h.u16(static_cast<std::uint16_t>(type_of(m)));
  h.u16(0);
  h.u32(static_cast<std::uint32_t>(w.out.size()));
  frame = std::move(h.out);
  frame += w.out;
  return frame;
}

namespace {

Result<Message> bad(std::size_t size, const char* what) {
  return Error{std::string("malformed ") + what + " message (" + std::to_string(size) + " bytes)"};
}

// The link's own messages and replicated application I/O; nothing for another group's type.
std::optional<Result<Message>> decode_link_or_io(Type type, Reader& r, std::size_t size) {
  std::uint8_t b = 0, b2 = 0;
  switch (type) {
    case Type::hello: {
      Hello h;
      if (!r.u32(h.version)) return bad(size, "hello");
      if (h.version != kProtocolVersion)
        return Error{"peer speaks replication protocol version " + std::to_string(h.version) + ", this node speaks " +
                     std::to_string(kProtocolVersion)};
      if (!r.str(h.volume, 255) || !r.str(h.node, 255) || !r.u64(h.size_bytes) || !r.u8(h.role) || !r.u8(h.disk) ||
          !r.u32(h.flags) || !r.gen(h.gen) || !r.u64(h.changed_blocks) || !r.str(h.split_brain_policy, 1024) ||
          !r.done())
        return bad(size, "hello");
      if (std::string e = unknown_state(h.role, h.disk); !e.empty()) return Error{"malformed hello message: " + e};
      return Message{h};
    }
    case Type::state: {
      State s;
      if (!r.u8(s.role) || !r.u8(s.disk) || !r.done()) return bad(size, "state");
      if (std::string e = unknown_state(s.role, s.disk); !e.empty()) return Error{"malformed state message: " + e};
      return Message{s};
    }
    case Type::write: {
      Write x;
      if (!r.u64(x.seq) || !r.u64(x.offset) || !r.u8(b)) return bad(size, "write");
      x.fua = b != 0;
      r.rest(x.data);
      return Message{std::move(x)};
    }
    case Type::write_ack: {
      WriteAck x;
      if (!r.u64(x.seq) || !r.i32(x.error) || !r.done()) return bad(size, "write_ack");
      return Message{x};
    }
    case Type::recv_ack: {
      RecvAck x;
      if (!r.u64(x.seq) || !r.done()) return bad(size, "recv_ack");
      return Message{x};
    }
    case Type::flush: {
      Flush x;
      if (!r.u64(x.seq) || !r.done()) return bad(size, "flush");
      return Message{x};
    }
    case Type::flush_ack: {
      FlushAck x;
      if (!r.u64(x.seq) || !r.i32(x.error) || !r.done()) return bad(size, "flush_ack");
      return Message{x};
    }
    case Type::discard: {
      Discard x;
      if (!r.u64(x.seq) || !r.u64(x.offset) || !r.u32(x.length) || !r.u8(b) || !r.u8(b2) || !r.done())
        return bad(size, "discard");
      x.zeroes = b != 0;
      x.fua = b2 != 0;
      return Message{x};
    }
    case Type::ping: {
      Ping x;
      if (!r.u64(x.cookie) || !r.done()) return bad(size, "ping");
      return Message{x};
    }
    case Type::pong: {
      Pong x;
      if (!r.u64(x.cookie) || !r.done()) return bad(size, "pong");
      return Message{x};
    }
    case Type::refuse: {
      Refuse x;
      if (!r.str(x.reason, 4096) || !r.done()) return bad(size, "refuse");
      return Message{x};
    }
    default:
      return std::nullopt;
  }
}

// Bitmap exchange, resync and verify; nothing for another group's type.
std::optional<Result<Message>> decode_sync(Type type, Reader& r, std::size_t size) {
  std::uint8_t b = 0;
  switch (type) {
    case Type::bitmap: {
      BitmapChunk x;
      if (!r.u64(x.first_word) || r.left() % 8 != 0) return bad(size, "bitmap");
      x.words.resize(r.left() / 8);
      for (auto& w : x.words) r.u64(w);
      return Message{std::move(x)};
    }
    case Type::bitmap_done:
      if (!r.done()) return bad(size, "bitmap_done");
      return Message{BitmapDone{}};
    case Type::rs_data: {
      RsData x;
      if (!r.u64(x.offset)) return bad(size, "rs_data");
      r.rest(x.data);
      return Message{std::move(x)};
    }
    case Type::rs_ack: {
      RsAck x;
      if (!r.u64(x.offset) || !r.u32(x.length) || !r.i32(x.error) || !r.done()) return bad(size, "rs_ack");
      return Message{x};
    }
    case Type::rs_done: {
      RsDone x;
      if (!r.gen(x.gen) || !r.done()) return bad(size, "rs_done");
      return Message{x};
    }
    case Type::verify_req: {
      VerifyReq x;
      if (!r.u64(x.offset) || !r.u32(x.length) || !r.bytes(x.digest.data(), x.digest.size()) || !r.done())
        return bad(size, "verify_req");
      return Message{x};
    }
    case Type::verify_reply: {
      VerifyReply x;
      if (!r.u64(x.offset) || !r.u32(x.length) || !r.u8(b) || !r.done()) return bad(size, "verify_reply");
      x.match = b != 0;
      return Message{x};
    }
    case Type::verify_done:
      if (!r.done()) return bad(size, "verify_done");
      return Message{VerifyDone{}};
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<Message> decode(Type type, std::string_view payload) {
  Reader r(payload);
  if (auto m = decode_link_or_io(type, r, payload.size())) return std::move(*m);
  if (auto m = decode_sync(type, r, payload.size())) return std::move(*m);
  return Error{"unknown message type " + std::to_string(static_cast<unsigned>(type))};
}

Result<std::optional<Message>> FrameReader::next() {
  if (buffer_.size() - pos_ < kHeaderBytes) return std::optional<Message>{};
  const char* h = buffer_.data() + pos_;
  std::uint32_t magic = 0, length = 0;
  std::uint16_t type = 0;
  std::memcpy(&magic, h, 4);
  std::memcpy(&type, h + 4, 2);
  std::memcpy(&length, h + 8, 4);
  if (magic != kMagic) return Error{"bad frame magic: the peer does not speak the drbd-lite replication protocol"};
  if (length > kMaxPayload)
    return Error{"frame of " + std::to_string(length) + " bytes exceeds the limit of " + std::to_string(kMaxPayload)};
  if (buffer_.size() - pos_ < kHeaderBytes + length) return std::optional<Message>{};
  auto m = decode(static_cast<Type>(type), std::string_view(h + kHeaderBytes, length));
  pos_ += kHeaderBytes + length;
  if (pos_ > (1u << 20) || pos_ == buffer_.size()) {  // compact consumed bytes
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  if (!m) return Error{m.error()};
  return std::optional<Message>{std::move(*m)};
}

}  // namespace hamail::drbdlite::wire
