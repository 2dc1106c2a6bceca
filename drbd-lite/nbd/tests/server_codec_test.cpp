// The sans-IO NBD server codec: handshake byte sequences, every option, every bad
// input, and requests split across arbitrary feed() boundaries.
#include "hamail/drbdlite/nbd/server_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "hamail/drbdlite/nbd/wire.h"

namespace hamail::drbdlite::nbd {
namespace {

constexpr std::uint64_t kSize = 1 << 20;

ServerCodec make_codec(bool read_only = false, Status available = Status::ok()) {
  ExportInfo info;
  info.name = "r0";
  info.read_only = read_only;
  ServerCodec c(info);
  c.set_export_state({kSize, std::move(available)});
  return c;
}

std::vector<Event> drain(ServerCodec& c) {
  std::vector<Event> out;
  for (int i = 0; i < 100000; ++i) {  // bounded
    auto ev = c.next();
    if (!ev) break;
    out.push_back(std::move(*ev));
  }
  return out;
}

std::vector<Event> feed_all(ServerCodec& c, std::string_view bytes) {
  EXPECT_TRUE(c.feed(bytes).is_ok());
  return drain(c);
}

// A readable one-line form of an event, to compare sequences.
std::string show(const Event& ev) {
  if (auto* h = std::get_if<HandshakeReply>(&ev)) {
    return "reply " + option_name(h->option) + " " + reply_name(h->reply) + " [" + h->message + "] " +
           std::to_string(h->bytes.size()) + "B";
  }
  if (auto* t = std::get_if<TransmissionStarted>(&ev)) {
    return "start " + option_name(t->option) + " " + t->export_name + " " + std::to_string(t->size) + " " +
           std::to_string(t->bytes.size()) + "B";
  }
  if (auto* c = std::get_if<Command>(&ev)) {
    return "cmd " + c->request.describe() + " payload=" + std::to_string(c->payload.size()) + ":" +
           std::to_string(std::hash<std::string>{}(c->payload));
  }
  if (auto* r = std::get_if<CommandRefused>(&ev)) {
    return "refused " + r->request.describe() + " " + error_name(r->error) + " [" + r->reason + "]";
  }
  const auto& c = std::get<Closed>(ev);
  return std::string("closed ") + (c.clean ? "clean" : "error") + " [" + c.reason + "] " +
         std::to_string(c.bytes.size()) + "B";
}

std::string go(std::string_view name = "r0", std::initializer_list<std::uint16_t> infos = {kInfoBlockSize}) {
  return encode_option(kOptGo, encode_go_data(name, infos));
}

// A codec already in transmission (fixed newstyle + NBD_OPT_GO).
ServerCodec transmitting(bool read_only = false) {
  ServerCodec c = make_codec(read_only);
  auto evs = feed_all(c, encode_client_flags(kClientFlagFixedNewstyle | kClientFlagNoZeroes) + go());
  EXPECT_EQ(evs.size(), 1u);
  EXPECT_EQ(c.phase(), ServerCodec::Phase::transmission);
  return c;
}

CommandRefused only_refusal(const std::vector<Event>& evs) {
  CommandRefused none;
  if (evs.size() != 1 || !std::holds_alternative<CommandRefused>(evs[0])) {
    ADD_FAILURE() << "expected one refusal, got " << evs.size() << (evs.empty() ? "" : ": " + show(evs[0]));
    return none;
  }
  return std::get<CommandRefused>(evs[0]);
}

Closed only_close(const std::vector<Event>& evs) {
  Closed none;
  if (evs.size() != 1 || !std::holds_alternative<Closed>(evs[0])) {
    ADD_FAILURE() << "expected Closed, got " << evs.size() << (evs.empty() ? "" : ": " + show(evs[0]));
    return none;
  }
  return std::get<Closed>(evs[0]);
}

TEST(NbdServerCodec, GreetingIsNbdmagicIhaveoptAndFlags) {
  ServerCodec c = make_codec();
  const std::string expected("NBDMAGICIHAVEOPT\x00\x03", 18);
  EXPECT_EQ(c.greeting(), expected);
}

TEST(NbdServerCodec, WaitsForCompleteClientFlags) {
  ServerCodec c = make_codec();
  EXPECT_TRUE(feed_all(c, std::string("\0\0\0", 3)).empty());
  EXPECT_EQ(c.phase(), ServerCodec::Phase::client_flags);
  EXPECT_TRUE(feed_all(c, std::string("\x03", 1)).empty());
  EXPECT_EQ(c.phase(), ServerCodec::Phase::options);
}

TEST(NbdServerCodec, UnknownClientFlagsClose) {
  ServerCodec c = make_codec();
  Closed cl = only_close(feed_all(c, encode_client_flags(0x5)));
  EXPECT_FALSE(cl.clean);
  EXPECT_NE(cl.reason.find("unknown bits"), std::string::npos) << cl.reason;
  EXPECT_EQ(c.phase(), ServerCodec::Phase::closed);
}

TEST(NbdServerCodec, GoRepliesInfoExportBlockSizeAck) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(kClientFlagFixedNewstyle) + go());
  ASSERT_EQ(evs.size(), 1u);
  const auto& t = std::get<TransmissionStarted>(evs[0]);
  std::uint16_t flags = kTxHasFlags | kTxSendFlush | kTxSendFua | kTxSendTrim | kTxSendWriteZeroes;
  EXPECT_EQ(t.tx_flags, flags);
  EXPECT_EQ(t.size, kSize);
  EXPECT_EQ(t.bytes, encode_info_export(kOptGo, kSize, flags) +
                         encode_info_block_size(kOptGo, 512, 4096, 32u << 20) + encode_option_reply(kOptGo, kRepAck));
  // The first reply spelled out: magic, option 7, NBD_REP_INFO, length 12, NBD_INFO_EXPORT, size, flags.
  const std::string head("\x00\x03\xe8\x89\x04\x55\x65\xa9" "\x00\x00\x00\x07" "\x00\x00\x00\x03"
                         "\x00\x00\x00\x0c" "\x00\x00" "\x00\x00\x00\x00\x00\x10\x00\x00" "\x00\x6d", 32);
  EXPECT_EQ(t.bytes.substr(0, 32), head);
  EXPECT_EQ(c.phase(), ServerCodec::Phase::transmission);
  EXPECT_EQ(c.transmission_flags() & kTxCanMultiConn, 0);
}

TEST(NbdServerCodec, GoWithInfoNameAndDefaultExport) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(1) + go("", {kInfoName, kInfoBlockSize, 0x7777}));
  ASSERT_EQ(evs.size(), 1u);
  const auto& t = std::get<TransmissionStarted>(evs[0]);
  EXPECT_NE(t.bytes.find(encode_info_name(kOptGo, "r0")), std::string::npos);
}

TEST(NbdServerCodec, InfoThenGo) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(1) + encode_option(kOptInfo, encode_go_data("r0")) + go());
  ASSERT_EQ(evs.size(), 2u);
  const auto& h = std::get<HandshakeReply>(evs[0]);
  EXPECT_EQ(h.reply, kRepAck);
  EXPECT_EQ(h.bytes.substr(h.bytes.size() - 20), encode_option_reply(kOptInfo, kRepAck));
  EXPECT_TRUE(std::holds_alternative<TransmissionStarted>(evs[1]));
}

TEST(NbdServerCodec, GoUnknownExportIsErrUnknownAndHaggleContinues) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(1) + go("r9") + go(""));
  ASSERT_EQ(evs.size(), 2u);
  const auto& h = std::get<HandshakeReply>(evs[0]);
  EXPECT_EQ(h.reply, kRepErrUnknown);
  EXPECT_EQ(h.message, "no export named 'r9' (this server exports 'r0')");
  EXPECT_EQ(h.bytes, encode_option_reply(kOptGo, kRepErrUnknown, h.message));
  EXPECT_TRUE(std::holds_alternative<TransmissionStarted>(evs[1]));
}

TEST(NbdServerCodec, GoRefusedWithTheBackendsReason) {
  ServerCodec c = make_codec(false, Error{"volume r0 is Secondary: I/O refused"});
  auto evs = feed_all(c, encode_client_flags(1) + go() + encode_option(kOptInfo, encode_go_data("r0")));
  ASSERT_EQ(evs.size(), 2u);
  for (const auto& ev : evs) {
    const auto& h = std::get<HandshakeReply>(ev);
    EXPECT_EQ(h.reply, kRepErrPolicy);
    EXPECT_EQ(h.message, "volume r0 is Secondary: I/O refused");
  }
  EXPECT_EQ(c.phase(), ServerCodec::Phase::options);
  c.set_export_state({kSize, Status::ok()});  // promoted: the same client may now go
  auto later = feed_all(c, go());
  ASSERT_EQ(later.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<TransmissionStarted>(later[0]));
}

TEST(NbdServerCodec, ExportNameWithAndWithoutZeroes) {
  for (bool no_zeroes : {false, true}) {
    ServerCodec c = make_codec();
    std::uint32_t flags = kClientFlagFixedNewstyle | (no_zeroes ? kClientFlagNoZeroes : 0);
    auto evs = feed_all(c, encode_client_flags(flags) + encode_option(kOptExportName, "r0"));
    ASSERT_EQ(evs.size(), 1u);
    const auto& t = std::get<TransmissionStarted>(evs[0]);
    EXPECT_EQ(t.bytes.size(), no_zeroes ? 10u : 134u);
    EXPECT_EQ(get_u64(t.bytes, 0), kSize);
    EXPECT_EQ(get_u16(t.bytes, 8), c.transmission_flags());
  }
}

TEST(NbdServerCodec, ExportNameUnknownOrRefusedCloses) {
  ServerCodec c = make_codec();
  Closed a = only_close(feed_all(c, encode_client_flags(1) + encode_option(kOptExportName, "nope")));
  EXPECT_FALSE(a.clean);
  EXPECT_NE(a.reason.find("no export named 'nope'"), std::string::npos);
  ServerCodec d = make_codec(false, Error{"volume r0 is Secondary: I/O refused"});
  Closed b = only_close(feed_all(d, encode_client_flags(1) + encode_option(kOptExportName, "")));
  EXPECT_NE(b.reason.find("Secondary"), std::string::npos);
}

TEST(NbdServerCodec, ListNamesTheExport) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(1) + encode_option(kOptList, "") + encode_option(kOptList, "x"));
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(std::get<HandshakeReply>(evs[0]).bytes, encode_rep_server("r0") + encode_option_reply(kOptList, kRepAck));
  EXPECT_EQ(std::get<HandshakeReply>(evs[1]).reply, kRepErrInvalid);
}

TEST(NbdServerCodec, AbortAcksAndClosesCleanly) {
  ServerCodec c = make_codec();
  Closed cl = only_close(feed_all(c, encode_client_flags(1) + encode_option(kOptAbort, "")));
  EXPECT_TRUE(cl.clean);
  EXPECT_EQ(cl.bytes, encode_option_reply(kOptAbort, kRepAck));
  EXPECT_TRUE(feed_all(c, go()).empty());  // nothing after the end
}

TEST(NbdServerCodec, UnsupportedOptionsGetErrUnsup) {
  ServerCodec c = make_codec();
  auto evs = feed_all(c, encode_client_flags(1) + encode_option(kOptStructuredReply, "") +
                             encode_option(kOptStartTls, "") + encode_option(kOptSetMetaContext, "abcd") +
                             encode_option(0xdead, "xyz"));
  ASSERT_EQ(evs.size(), 4u);
  for (const auto& ev : evs) EXPECT_EQ(std::get<HandshakeReply>(ev).reply, kRepErrUnsup) << show(ev);
  EXPECT_EQ(c.phase(), ServerCodec::Phase::options);
}

TEST(NbdServerCodec, MalformedGoDataIsErrInvalid) {
  ServerCodec c = make_codec();
  std::string short_data("\0\0\0", 3);
  std::string name_too_long = encode_go_data("r0");
  name_too_long[3] = 100;  // name length 100 in 8 bytes of data
  std::string count_mismatch = encode_go_data("r0", {kInfoBlockSize});
  count_mismatch.push_back('\0');  // one stray byte
  std::string huge_name;
  put_u32(huge_name, 0xffffffffu);
  huge_name += "ab";
  auto evs = feed_all(c, encode_client_flags(1) + encode_option(kOptGo, short_data) +
                             encode_option(kOptGo, name_too_long) + encode_option(kOptGo, count_mismatch) +
                             encode_option(kOptInfo, huge_name));
  ASSERT_EQ(evs.size(), 4u);
  for (const auto& ev : evs) EXPECT_EQ(std::get<HandshakeReply>(ev).reply, kRepErrInvalid) << show(ev);
}

TEST(NbdServerCodec, BadOptionMagicCloses) {
  ServerCodec c = make_codec();
  std::string opt = go();
  opt[0] = 'X';
  Closed cl = only_close(feed_all(c, encode_client_flags(1) + opt));
  EXPECT_FALSE(cl.clean);
  EXPECT_NE(cl.reason.find("bad option magic"), std::string::npos);
}

TEST(NbdServerCodec, AbsurdOptionLengthRepliesTooBigAndCloses) {
  ServerCodec c = make_codec();
  std::string header;
  put_u64(header, kOptionMagic);
  put_u32(header, kOptGo);
  put_u32(header, 0xfffffff0u);  // no data follows: the codec must not wait for 4 GiB
  Closed cl = only_close(feed_all(c, encode_client_flags(1) + header));
  EXPECT_FALSE(cl.clean);
  EXPECT_EQ(get_u32(cl.bytes, 12), kRepErrTooBig);
  EXPECT_NE(cl.reason.find("limit 65536"), std::string::npos) << cl.reason;
}

TEST(NbdServerCodec, TooManyOptionsClose) {
  ServerCodec c = make_codec();
  std::string all = encode_client_flags(1);
  for (int i = 0; i <= ServerCodec::kMaxOptions; ++i) all += encode_option(kOptList, "");
  auto evs = feed_all(c, all);
  ASSERT_EQ(evs.size(), static_cast<std::size_t>(ServerCodec::kMaxOptions) + 1);
  EXPECT_TRUE(std::holds_alternative<Closed>(evs.back()));
}

TEST(NbdServerCodec, Commands) {
  ServerCodec c = transmitting();
  std::string data(4096, 'x');
  auto evs = feed_all(c, encode_request(0, kCmdRead, 1, 0, 4096) +
                             encode_request(kCmdFlagFua, kCmdWrite, 2, 8192, 4096, data) +
                             encode_request(0, kCmdFlush, 3, 0, 0) + encode_request(0, kCmdTrim, 4, 0, 65536) +
                             encode_request(kCmdFlagNoHole, kCmdWriteZeroes, 5, 4096, 512) +
                             encode_request(kCmdFlagFua, kCmdRead, 6, kSize - 512, 512));
  ASSERT_EQ(evs.size(), 6u);
  const auto& w = std::get<Command>(evs[1]);
  EXPECT_EQ(w.request.type, kCmdWrite);
  EXPECT_EQ(w.request.handle, 2u);
  EXPECT_EQ(w.request.offset, 8192u);
  EXPECT_TRUE(w.request.fua());
  EXPECT_EQ(w.payload, data);
  EXPECT_EQ(std::get<Command>(evs[2]).request.type, kCmdFlush);
  EXPECT_TRUE(std::get<Command>(evs[4]).request.no_hole());
  EXPECT_EQ(std::get<Command>(evs[5]).request.handle, 6u);
}

// A large write arrives in pieces of any size (its payload then goes to a buffer of its
// own): the payload is whole, and what follows it in the last piece is the next request.
TEST(NbdServerCodec, LargeWriteInPiecesThenTheNextRequest) {
  std::string data(512u << 10, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 + i / 4096);
  std::string bytes = encode_request(0, kCmdWrite, 7, 256u << 10, static_cast<std::uint32_t>(data.size()), data) +
                      encode_request(0, kCmdFlush, 8, 0, 0) +
                      encode_request(0, kCmdWrite, 9, 0, 512, std::string(512, 'y')) +
                      encode_request(0, kCmdWrite, 10, kSize, 65536, std::string(65536, 'z'));  // refused: past the end
  for (std::size_t piece : {std::size_t{1000}, std::size_t{65536}, std::size_t{300000}, bytes.size()}) {
    SCOPED_TRACE("pieces of " + std::to_string(piece));
    ServerCodec c = transmitting();
    std::vector<Event> evs;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      ASSERT_TRUE(c.feed(std::string_view(bytes).substr(at, piece)).is_ok());
      for (auto& e : drain(c)) evs.push_back(std::move(e));
      if (at + piece < bytes.size()) EXPECT_LE(c.buffered(), at + piece);
    }
    ASSERT_EQ(evs.size(), 4u);
    const auto& w = std::get<Command>(evs[0]);
    EXPECT_EQ(w.request.handle, 7u);
    EXPECT_TRUE(w.payload == data) << "the large write's payload differs";
    EXPECT_EQ(std::get<Command>(evs[1]).request.type, kCmdFlush);
    EXPECT_EQ(std::get<Command>(evs[2]).payload, std::string(512, 'y'));
    EXPECT_EQ(only_refusal({evs[3]}).error, kEnospc);
    EXPECT_EQ(c.buffered(), 0u);
  }
}

TEST(NbdServerCodec, DiscClosesCleanlyAndIgnoresTheRest) {
  ServerCodec c = transmitting();
  auto evs = feed_all(c, encode_request(0, kCmdDisc, 9, 0, 0) + encode_request(0, kCmdRead, 1, 0, 512));
  EXPECT_TRUE(only_close(evs).clean);
}

TEST(NbdServerCodec, BadRequestMagicCloses) {
  ServerCodec c = transmitting();
  std::string req = encode_request(0, kCmdRead, 1, 0, 512);
  req[1] = 0;
  Closed cl = only_close(feed_all(c, req));
  EXPECT_FALSE(cl.clean);
  EXPECT_NE(cl.reason.find("bad request magic"), std::string::npos);
}

TEST(NbdServerCodec, UnknownAndUnnegotiatedCommandsAreEinval) {
  ServerCodec c = transmitting();
  for (std::uint16_t type : {kCmdCache, kCmdBlockStatus, std::uint16_t{8}, std::uint16_t{0x7777}}) {
    CommandRefused r = only_refusal(feed_all(c, encode_request(0, type, 42, 0, 512)));
    EXPECT_EQ(r.error, kEinval);
    EXPECT_EQ(r.request.handle, 42u);
  }
}

TEST(NbdServerCodec, RangeChecks) {
  ServerCodec c = transmitting();
  struct Case {
    std::uint16_t type;
    std::uint64_t offset;
    std::uint32_t length;
    std::uint32_t error;
  } cases[] = {
      {kCmdRead, kSize - 511, 512, kEinval},     {kCmdWrite, kSize, 512, kEnospc},
      {kCmdWriteZeroes, kSize - 4096, 8192, kEnospc}, {kCmdTrim, kSize, 1, kEinval},
      {kCmdRead, ~0ull - 100, 512, kEinval},     {kCmdWrite, ~0ull - 100, 512, kEinval},
      {kCmdRead, 0, 0, kEinval},                 {kCmdWrite, 0, 0, kEinval},
      {kCmdTrim, 0, 0, kEinval},                 {kCmdRead, 0, (32u << 20) + 1, kEinval},
  };
  for (const Case& k : cases) {
    std::string payload = k.type == kCmdWrite ? std::string(k.length, 'p') : std::string();
    CommandRefused r = only_refusal(feed_all(c, encode_request(0, k.type, 7, k.offset, k.length, payload)));
    EXPECT_EQ(r.error, k.error) << r.request.describe() << ": " << r.reason;
  }
  // A refused write's payload was consumed: the next request parses.
  auto evs = feed_all(c, encode_request(0, kCmdRead, 8, 0, 512));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Command>(evs[0]));
}

TEST(NbdServerCodec, OversizedWriteClosesWithoutBuffering) {
  ServerCodec c = transmitting();
  Closed cl = only_close(feed_all(c, encode_request(0, kCmdWrite, 1, 0, (32u << 20) + 1)));
  EXPECT_FALSE(cl.clean);
  EXPECT_NE(cl.reason.find("maximum"), std::string::npos);
  EXPECT_EQ(c.buffered(), 0u);
}

TEST(NbdServerCodec, MaximalWriteIsAccepted) {
  ServerCodec c = transmitting();
  std::string payload(32u << 20, 'm');
  EXPECT_TRUE(feed_all(c, encode_request(0, kCmdWrite, 1, 0, 512)).empty());  // waits for its payload
  auto evs = feed_all(c, std::string(512, 'a'));
  ASSERT_EQ(evs.size(), 1u);
  ServerCodec big = make_codec();
  big.set_export_state({64u << 20, Status::ok()});
  feed_all(big, encode_client_flags(1) + go());
  auto evs2 = feed_all(big, encode_request(0, kCmdWrite, 2, 0, 32u << 20, payload));
  ASSERT_EQ(evs2.size(), 1u);
  EXPECT_EQ(std::get<Command>(evs2[0]).payload.size(), 32u << 20);
}

TEST(NbdServerCodec, UnknownFlagsAreEinvalAndPayloadIsSkipped) {
  ServerCodec c = transmitting();
  auto evs = feed_all(c, encode_request(kCmdFlagDf, kCmdWrite, 1, 0, 512, std::string(512, 'q')) +
                             encode_request(kCmdFlagNoHole, kCmdTrim, 2, 0, 512) +
                             encode_request(kCmdFlagFastZero, kCmdWriteZeroes, 3, 0, 512) +
                             encode_request(kCmdFlagFua, kCmdFlush, 4, 0, 0));
  ASSERT_EQ(evs.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(std::get<CommandRefused>(evs[i]).error, kEinval) << show(evs[i]);
  EXPECT_TRUE(std::holds_alternative<Command>(evs[3]));  // FUA is accepted on any command
}

TEST(NbdServerCodec, ReadOnlyExportRefusesWritesWithEperm) {
  ServerCodec c = transmitting(true);
  EXPECT_NE(c.transmission_flags() & kTxReadOnly, 0);
  auto evs = feed_all(c, encode_request(0, kCmdWrite, 1, 0, 512, std::string(512, 'w')) +
                             encode_request(0, kCmdTrim, 2, 0, 512) + encode_request(0, kCmdWriteZeroes, 3, 0, 512) +
                             encode_request(0, kCmdRead, 4, 0, 512) + encode_request(0, kCmdFlush, 5, 0, 0));
  ASSERT_EQ(evs.size(), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(std::get<CommandRefused>(evs[i]).error, kEperm) << show(evs[i]);
  EXPECT_TRUE(std::holds_alternative<Command>(evs[3]));
  EXPECT_TRUE(std::holds_alternative<Command>(evs[4]));
}

TEST(NbdServerCodec, FeedBeyondTheBufferLimitFails) {
  ServerCodec c = transmitting();
  std::string chunk(1u << 20, '\0');
  // A header announcing a 32 MiB write, then more than its payload without next().
  ASSERT_TRUE(c.feed(encode_request(0, kCmdWrite, 1, 0, 32u << 20)).is_ok());
  Status st;
  for (int i = 0; i < 40 && st; ++i) st = c.feed(chunk);
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(c.phase(), ServerCodec::Phase::closed);
}

// The whole session, fed in random pieces (1 byte up to a few KiB), yields exactly
// the events of feeding it at once.
TEST(NbdServerCodec, ArbitraryChunkBoundaries) {
  std::string session = encode_client_flags(kClientFlagFixedNewstyle | kClientFlagNoZeroes) +
                        encode_option(kOptList, "") + encode_option(kOptStructuredReply, "") + go("bad") +
                        encode_option(kOptInfo, encode_go_data("r0", {kInfoName})) + go("r0", {kInfoBlockSize});
  for (int i = 0; i < 40; ++i) {
    std::uint16_t type = static_cast<std::uint16_t>(i % 7);
    if (type == kCmdDisc) type = kCmdRead;
    std::uint32_t len = 512u * (1 + i % 9);
    std::string payload = type == kCmdWrite ? std::string(len, static_cast<char>('a' + i % 26)) : std::string();
    session += encode_request(i % 3 == 0 ? kCmdFlagFua : 0, type, 1000 + i, 4096u * i, len, payload);
  }
  session += encode_request(0, kCmdDisc, 1, 0, 0);

  ServerCodec whole = make_codec();
  std::vector<std::string> expected;
  for (const auto& ev : feed_all(whole, session)) expected.push_back(show(ev));
  ASSERT_GT(expected.size(), 40u);

  for (unsigned seed = 1; seed <= 25; ++seed) {
    std::mt19937 rng(seed);
    ServerCodec c = make_codec();
    std::vector<std::string> got;
    for (std::size_t at = 0; at < session.size();) {
      std::size_t n = std::min<std::size_t>(session.size() - at, seed % 5 == 0 ? 1 : 1 + rng() % 3000);
      ASSERT_TRUE(c.feed(std::string_view(session).substr(at, n)).is_ok());
      at += n;
      for (const auto& ev : drain(c)) got.push_back(show(ev));
    }
    EXPECT_EQ(got, expected) << "seed " << seed;
  }
}

}  // namespace
}  // namespace hamail::drbdlite::nbd
