// SseStream: events framed for EventSource, pulled in parts no larger than asked, the
// wake after a `later`, the bound (a slow client dropped: its next pull fails).
#include <gtest/gtest.h>

#include "hamail/mailsvc/dashboard/sse_stream.h"

namespace hamail::mailsvc::dashboard {
namespace {

TEST(SseStream, Framing) {
  EXPECT_EQ(sse_event("hacored", nlohmann::json{{"event", "node_lost"}}), "event: hacored\ndata: {\"event\":\"node_lost\"}\n\n");
  EXPECT_EQ(sse_event("x", nlohmann::json("a\nb")), "event: x\ndata: \"a\\nb\"\n\n") << "one data line";
  EXPECT_EQ(sse_comment("heartbeat"), ": heartbeat\n\n");
}

TEST(SseStream, LaterThenWakeOnPush) {
  SseStream s;
  int wakes = 0;
  s.set_wake([&] { ++wakes; });
  EXPECT_EQ(s.produce(100).kind, http::Produced::Kind::later);
  EXPECT_TRUE(s.push("abc"));
  EXPECT_EQ(wakes, 1);
  EXPECT_TRUE(s.push("def"));
  EXPECT_EQ(wakes, 1) << "no second wake before the next pull";
  http::Produced p = s.produce(100);
  EXPECT_EQ(p.kind, http::Produced::Kind::data);
  EXPECT_EQ(p.bytes, "abcdef");
  EXPECT_EQ(s.produce(100).kind, http::Produced::Kind::later);
}

TEST(SseStream, PartsNoLargerThanAsked) {
  SseStream s;
  s.push("0123456789");
  s.push("abc");
  EXPECT_EQ(s.produce(4).bytes, "0123");
  EXPECT_EQ(s.produce(8).bytes, "456789ab");
  EXPECT_EQ(s.queued_bytes(), 1u);
  EXPECT_EQ(s.produce(8).bytes, "c");
}

TEST(SseStream, SlowClientDropped) {
  SseStream s(10);
  int wakes = 0;
  s.set_wake([&] { ++wakes; });
  EXPECT_TRUE(s.push("12345"));
  EXPECT_TRUE(s.push("67890"));
  EXPECT_EQ(s.produce(0).kind, http::Produced::Kind::later);
  EXPECT_FALSE(s.push("x"));
  EXPECT_EQ(wakes, 1) << "woken to fail at once";
  EXPECT_TRUE(s.dropped());
  EXPECT_EQ(s.queued_bytes(), 0u);
  http::Produced p = s.produce(100);
  EXPECT_EQ(p.kind, http::Produced::Kind::failed);
  EXPECT_NE(p.error.find("too slow"), std::string::npos);
  EXPECT_FALSE(s.push("y"));
}

}  // namespace
}  // namespace hamail::mailsvc::dashboard
