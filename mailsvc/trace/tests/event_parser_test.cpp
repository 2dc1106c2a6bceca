#include "hamail/mailsvc/trace/event_parser.h"

#include <gtest/gtest.h>

#include "trace_lines.h"

namespace hamail::mailsvc::trace {
namespace {

using namespace testing;
constexpr const char* kTs = "2026-12-05T10:00:00.123Z";

TraceEvent parsed(const std::string& line) {
  auto e = parse_trace_line(line);
  EXPECT_TRUE(e) << line;
  if (!e || !*e) {
    ADD_FAILURE() << "ignored: " << line;
    return {};
  }
  return **e;
}

TEST(EventParser, ReceptionCarriesSenderRecipientsClientTlsAuth) {
  TraceEvent e = parsed(queued(kTs, "Q1", "<abc@host>", "Alice@Example.org", "b@example.org,C@Other.net"));
  EXPECT_EQ(e.kind, EventKind::received);
  EXPECT_EQ(e.ts, kTs);
  EXPECT_EQ(e.queue_id, "Q1");
  EXPECT_EQ(e.message_id, "<abc@host>");
  EXPECT_EQ(e.sender, "alice@example.org");
  EXPECT_EQ(e.recipients, (std::vector<std::string>{"b@example.org", "c@other.net"}));
  EXPECT_EQ(e.status, "queued");
  EXPECT_NE(e.details.find("client=192.0.2.7"), std::string::npos) << e.details;
  EXPECT_NE(e.details.find("tls=true"), std::string::npos) << e.details;
}

TEST(EventParser, EveryKindFromItsRecord) {
  struct Case {
    std::string line;
    EventKind kind;
  };
  const std::string m = " queue_id=Q message_id=- from=a@x to=b@y";
  const std::string h = std::string("ts=") + kTs + " level=info component=smtpd event=";
  const Case cases[] = {
      {h + "queued" + m + " status=queued", EventKind::received},
      {h + "too_many_hops" + m + " status=rejected hops=31", EventKind::rejected},
      {h + "sender_rejected from=a@x auth_user=b@y peer=1.2.3.4", EventKind::rejected},
      {h + "recipient_rejected to=b@y status=rejected reason=unknown_user peer=1.2.3.4", EventKind::rejected},
      {h + "queue_full" + m + " status=tempfail", EventKind::rejected},
      {h + "message_rejected status=rejected reason=size peer=1.2.3.4", EventKind::rejected},
      {h + "queue_recovered" + m, EventKind::requeued},
      {h + "delivered" + m + " status=delivered relay=local file=1.M2.h", EventKind::delivered},
      {h + "delivery_already_done" + m + " status=delivered relay=local file=1.M2.h", EventKind::delivered},
      {h + "delivered" + m + " status=delivered relay=mx.y stage=data reply=\"250 ok\"", EventKind::delivered},
      {h + "deferred" + m + " status=deferred relay=mx.y reply=\"451 later\"", EventKind::deferred},
      {h + "delivery_failed" + m + " status=deferred error=EIO", EventKind::deferred},
      {h + "delivery_failed" + m + " status=failed relay=mx.y reply=\"550 no\"", EventKind::failed},
      {h + "bounce_suppressed" + m + " status=failed", EventKind::failed},
      {h + "expired" + m + " status=expired attempts=9", EventKind::expired},
      {h + "bounced" + m + " status=bounced dsn_status=5.1.1 bounce_id=B2", EventKind::bounced},
      {h + "queue_entry_gone" + m + " status=deleted", EventKind::deleted},
      {retrieved(kTs, "b@y", "1.M2.h"), EventKind::retrieved},
      {std::string("ts=") + kTs + " level=info component=pop3d event=message_deleted session=s user=b@y uidl=1.1 file=1.M2.h",
       EventKind::removed},
  };
  for (const auto& c : cases) EXPECT_EQ(parsed(c.line).kind, c.kind) << c.line;
}

TEST(EventParser, LocalDeliveryAndRetrievalShareUserAndFileBase) {
  TraceEvent d = parsed(delivered_local(kTs, "Q", "<m@x>", "a@x", "B@y", "1.M2P3.h"));
  TraceEvent r = parsed(retrieved(kTs, "b@y", "1.M2P3.h"));
  EXPECT_EQ(d.mailbox_user, "b@y");
  EXPECT_EQ(d.file_base, "1.M2P3.h");
  EXPECT_EQ(r.mailbox_user, "b@y");
  EXPECT_EQ(r.file_base, "1.M2P3.h");  // ":2,S" dropped
  EXPECT_TRUE(r.queue_id.empty());
}

TEST(EventParser, NullSenderAndMissingMessageId) {
  TraceEvent e = parsed(queued(kTs, "Q", "-", "<>", "b@y"));
  ASSERT_TRUE(e.sender.has_value());
  EXPECT_EQ(*e.sender, "");
  EXPECT_EQ(e.message_id, "");
}

TEST(EventParser, OtherRecordsAreIgnored) {
  for (std::string line : {std::string("ts=") + kTs + " level=info component=smtpd event=started hostname=h",
                           std::string("ts=") + kTs + " level=info component=httpd event=delivered queue_id=Q",
                           std::string("ts=") + kTs + " level=info component=pop3d event=login user=a@b",
                           std::string("ts=") + kTs + " level=debug component=smtpd event=dequeued queue_id=Q"}) {
    auto e = parse_trace_line(line);
    ASSERT_TRUE(e) << line;
    EXPECT_FALSE(*e) << line;
  }
}

TEST(EventParser, BadLinesAreErrorsNotCrashes) {
  for (std::string line : {std::string(""), std::string("garbage"), std::string("level=info ts=") + kTs,
                           std::string("ts=yesterday level=info component=smtpd event=queued"),
                           std::string("ts=") + kTs + " reply=\"open", std::string("\x00\xff", 2)}) {
    auto e = parse_trace_line(line);
    ASSERT_FALSE(e) << line;
    EXPECT_EQ(e.error().rfind("not a log record", 0), 0u) << e.error();
  }
}

TEST(EventParser, RecordKeyIsTheSameForTheSameLineWhereverItIsRead) {
  const std::string l = queued(kTs, "Q", "-", "a@x", "b@y");
  EXPECT_EQ(record_key(l), record_key(l + "\r"));
  EXPECT_EQ(record_key(l).rfind(std::string("ts=") + kTs + "/", 0), 0u);
  EXPECT_NE(record_key(l), record_key(queued(kTs, "Q2", "-", "a@x", "b@y")));
}

}  // namespace
}  // namespace hamail::mailsvc::trace
