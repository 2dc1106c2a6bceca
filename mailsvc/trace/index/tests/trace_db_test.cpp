#include "hamail/mailsvc/traceindex/trace_db.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "../../tests/trace_lines.h"
#include "hamail/mailsvc/trace/event_parser.h"
#include "hamail/mailsvc/traceindex/indexer.h"
#include "temp_dir.h"

namespace hamail::mailsvc::traceindex {
namespace {

using namespace trace::testing;
using testing::TempDir;
using trace::EventKind;
using trace::Viewer;

class TraceDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TraceDb::open(dir_.file("trace.db"));
    ASSERT_TRUE(db) << db.error();
    db_.emplace(std::move(*db));
  }
  // Indexes the lines as file NAME written on NODE; returns how many were new.
  std::size_t index(const std::string& node, const std::string& name, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    dir_.append(name, text);
    std::vector<std::string> bad;
    auto r = index_file(*db_, dir_.file(name), node, [&](const std::string& b) { bad.push_back(b); });
    EXPECT_TRUE(r) << r.error();
    EXPECT_TRUE(bad.empty()) << bad[0];
    return r ? r->added : 0;
  }
  std::vector<trace::MessageTrace> show(const std::string& id, const Viewer& v = Viewer::administrator()) {
    auto r = db_->show(id, v);
    EXPECT_TRUE(r) << r.error();
    return r ? *r : std::vector<trace::MessageTrace>{};
  }
  std::vector<std::string> ids(const trace::TraceQuery& q, const Viewer& v = Viewer::administrator()) {
    auto r = db_->find(q, v);
    EXPECT_TRUE(r) << r.error();
    std::vector<std::string> out;
    if (r)
      for (const auto& m : *r) out.push_back(m.queue_id);
    return out;
  }
  static std::vector<EventKind> kinds(const trace::MessageTrace& m) {
    std::vector<EventKind> out;
    for (const auto& e : m.timeline) out.push_back(e.kind);
    return out;
  }

  TempDir dir_;
  std::optional<TraceDb> db_;
};

const std::vector<std::string> kNode1Log = {
    queued("2026-12-05T10:00:00.100Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org,carol@remote.test"),
    delivered_local("2026-12-05T10:00:00.200Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org", "100.M1.n1"),
    deferred_remote("2026-12-05T10:00:01.000Z", "Q1", "carol@remote.test"),
    queued("2026-12-05T11:30:00.000Z", "Q2", "<m2@x>", "dave@other.net", "bob@example.org"),
};
// node2 took over: the retry of Q1 and bob's POP3 retrieval happen there.
const std::vector<std::string> kNode2Log = {
    "ts=2026-12-05T10:05:00.000Z level=info component=smtpd event=queue_recovered queue_id=Q1 message_id=<m1@x> "
    "from=alice@example.org",
    "ts=2026-12-05T10:05:01.000Z level=info component=smtpd event=delivered queue_id=Q1 message_id=<m1@x> "
    "from=alice@example.org to=carol@remote.test status=delivered relay=mx.remote.test stage=data "
    "reply=\"250 2.0.0 Ok\"",
    retrieved("2026-12-05T10:06:00.000Z", "bob@example.org", "100.M1.n1"),
};

TEST_F(TraceDbTest, TwoNodesLogsMergeIntoOneOrderedTimeline) {
  EXPECT_EQ(index("node2", "n2.log", kNode2Log), 3u);  // the later node's log first: order comes from ts
  EXPECT_EQ(index("node1", "n1.log", kNode1Log), 4u);
  auto found = show("Q1");
  ASSERT_EQ(found.size(), 1u);
  const auto& m = found[0];
  EXPECT_EQ(m.message_id, "<m1@x>");
  EXPECT_EQ(m.sender, "alice@example.org");
  EXPECT_EQ(m.status, "delivered");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"bob@example.org", "carol@remote.test"}));
  EXPECT_EQ(kinds(m), (std::vector<EventKind>{EventKind::received, EventKind::delivered, EventKind::deferred,
                                              EventKind::requeued, EventKind::delivered, EventKind::retrieved}));
  EXPECT_EQ(m.timeline[0].node, "node1");
  EXPECT_EQ(m.timeline[4].node, "node2");
  EXPECT_NE(m.timeline[4].details.find("reply=\"250 2.0.0 Ok\""), std::string::npos) << m.timeline[4].details;
  EXPECT_EQ(m.timeline[5].recipient, "bob@example.org");
  // By Message-ID, with or without brackets.
  EXPECT_EQ(show("m1@x").size(), 1u);
  EXPECT_EQ(show("<m1@x>").at(0).queue_id, "Q1");
}

TEST_F(TraceDbTest, IndexingIsIdempotent) {
  EXPECT_EQ(index("node1", "n1.log", kNode1Log), 4u);
  // The same file again from the start (the position forgotten: another index file's view).
  auto other = TraceDb::open(dir_.file("trace.db"));
  ASSERT_TRUE(other);
  std::vector<KeyedEvent> again;
  for (const auto& l : kNode1Log) again.push_back({trace::record_key(l), **trace::parse_trace_line(l)});
  auto added = db_->ingest("node1", again, "", {});
  ASSERT_TRUE(added) << added.error();
  EXPECT_EQ(*added, 0u);
  // The same records in node2's copy of the log.
  EXPECT_EQ(index("node2", "copy.log", kNode1Log), 0u);
  // Nothing new in the file: nothing read.
  EXPECT_EQ(index("node1", "n1.log", {}), 0u);
  EXPECT_EQ(show("Q1").at(0).timeline.size(), 3u);
}

TEST_F(TraceDbTest, ResumesAfterTheLastCommittedPosition) {
  index("node1", "n1.log", {kNode1Log[0], kNode1Log[1]});
  auto pos = db_->position(dir_.file("n1.log"));
  ASSERT_TRUE(pos && *pos);
  EXPECT_EQ((*pos)->line, 2u);
  EXPECT_EQ(index("node1", "n1.log", {kNode1Log[2], kNode1Log[3]}), 2u);
  auto after = db_->position(dir_.file("n1.log"));
  EXPECT_EQ((*after)->line, 4u);
}

TEST_F(TraceDbTest, ARotatedLogIsReadFromItsStartAndTheOldOneAddsNothing) {
  index("node1", "n1.log", {kNode1Log[0], kNode1Log[1]});
  ASSERT_EQ(std::rename(dir_.file("n1.log").c_str(), dir_.file("n1.log.1").c_str()), 0);
  dir_.append("n1.log", kNode1Log[2] + "\n");
  auto r = index_file(*db_, dir_.file("n1.log"), "node1", nullptr);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->restarted);
  EXPECT_EQ(r->added, 1u);
  auto old = index_file(*db_, dir_.file("n1.log.1"), "node1", nullptr);  // the rotated file, given too
  ASSERT_TRUE(old) << old.error();
  EXPECT_EQ(old->events, 2u);
  EXPECT_EQ(old->added, 0u);
  EXPECT_EQ(show("Q1").at(0).timeline.size(), 3u);
}

TEST_F(TraceDbTest, BadLinesAreReportedWithFileAndLineAndSkipped) {
  dir_.append("bad.log", kNode1Log[0] + "\nthis is not a record\n" + kNode1Log[1] + "\n");
  std::vector<std::string> bad;
  auto r = index_file(*db_, dir_.file("bad.log"), "node1", [&](const std::string& b) { bad.push_back(b); });
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->bad, 1u);
  EXPECT_EQ(r->added, 2u);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].rfind(dir_.file("bad.log") + ":2: not a log record", 0), 0u) << bad[0];
}

TEST_F(TraceDbTest, UsersSeeOnlyTheirOwnMailAdminsAll) {
  index("node1", "n1.log", kNode1Log);
  index("node2", "n2.log", kNode2Log);
  EXPECT_EQ(ids({}), (std::vector<std::string>{"Q1", "Q2"}));
  EXPECT_EQ(ids({}, Viewer::user("Bob@Example.org")), (std::vector<std::string>{"Q1", "Q2"}));
  EXPECT_EQ(ids({}, Viewer::user("alice@example.org")), (std::vector<std::string>{"Q1"}));
  EXPECT_EQ(ids({}, Viewer::user("dave@other.net")), (std::vector<std::string>{"Q2"}));
  EXPECT_TRUE(ids({}, Viewer::user("mallory@example.org")).empty());
  EXPECT_TRUE(show("Q1", Viewer::user("dave@other.net")).empty());
  EXPECT_TRUE(show("<m1@x>", Viewer::user("mallory@example.org")).empty());
}

TEST_F(TraceDbTest, SearchBySenderRecipientStatusAndTimeWindow) {
  index("node1", "n1.log", kNode1Log);
  trace::TraceQuery q;
  q.from = "dave@other.net";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q2"}));
  q = {};
  q.to = "carol@remote.test";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q1"}));
  q = {};
  q.status = "deferred";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q1"}));  // carol's attempt failed, bob's copy is in
  q.status = "queued";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q2"}));
  q = {};
  q.since = "2026-12-05T11";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q2"}));
  q = {};
  q.until = "2026-12-05T11";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q1"}));
  q = {};
  q.limit = 1;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q1"}));
  q.newest_first = true;  // the latest page
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q2"}));
  q.limit = 5;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"Q2", "Q1"}));
}

TEST_F(TraceDbTest, BouncesRejectionsAndHourlyCounters) {
  index("node1", "n1.log",
        {queued("2026-12-05T10:00:00.000Z", "Q3", "-", "alice@example.org", "nobody@remote.test"),
         "ts=2026-12-05T10:00:02.000Z level=warning component=smtpd event=delivery_failed queue_id=Q3 message_id=- "
         "from=alice@example.org to=nobody@remote.test status=failed relay=mx.remote.test stage=rcpt "
         "reply=\"550 5.1.1 no such user\"",
         "ts=2026-12-05T10:00:02.001Z level=warning component=smtpd event=bounced queue_id=Q3 message_id=- "
         "from=alice@example.org to=nobody@remote.test status=bounced dsn_status=5.1.1 bounce_id=B1",
         "ts=2026-12-05T11:00:00.000Z level=warning component=smtpd event=too_many_hops queue_id=Q4 message_id=- "
         "from=x@y to=alice@example.org status=rejected hops=31 client=192.0.2.1",
         deferred_remote("2026-12-05T11:10:00.000Z", "Q5", "c@remote.test")});
  EXPECT_EQ(show("Q3").at(0).status, "bounced");
  EXPECT_EQ(show("Q4").at(0).status, "rejected");
  auto hours = db_->hourly_counts("", "");
  ASSERT_TRUE(hours) << hours.error();
  ASSERT_EQ(hours->size(), 2u);
  EXPECT_EQ((*hours)[0].hour, "2026-12-05T10");
  EXPECT_EQ((*hours)[0].received, 1);
  EXPECT_EQ((*hours)[0].bounced, 1);
  EXPECT_EQ((*hours)[1].rejected, 1);
  EXPECT_EQ((*hours)[1].deferred, 1);
  auto later = db_->hourly_counts("2026-12-05T11", "");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->size(), 1u);
  auto queued_now = db_->queue_size();
  ASSERT_TRUE(queued_now);
  EXPECT_EQ(*queued_now, 1);  // Q5, deferred
}

TEST_F(TraceDbTest, AnUnwritableIndexIsAnErrorNamingIt) {
  auto db = TraceDb::open("/nonexistent/dir/trace.db");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().find("/nonexistent/dir/trace.db"), std::string::npos) << db.error();
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex

namespace hamail::mailsvc::traceindex {
namespace {

// The web page's connection: read only (a missing index is an error, not a new file), the
// same answers; a subject (when a record carries one) found by a part of it, any case.
TEST_F(TraceDbTest, ReadOnlyConnectionAndSubjectSearch) {
  EXPECT_FALSE(TraceDb::open_read_only(dir_.file("none.db"), 100));
  index("node1", "n1.log",
        {queued("2026-12-05T10:00:00.100Z", "Q1", "<m1@x>", "alice@example.org", "bob@example.org") +
             " subject=\"Quarterly Report\"",
         queued("2026-12-05T10:00:01.100Z", "Q2", "<m2@x>", "alice@example.org", "bob@example.org")});
  auto ro = TraceDb::open_read_only(dir_.file("trace.db"), 100);
  ASSERT_TRUE(ro) << ro.error();
  trace::TraceQuery q;
  q.subject = "report";
  auto r = ro->find(q, Viewer::administrator());
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].queue_id, "Q1");
  EXPECT_EQ((*r)[0].subject, "Quarterly Report");
  EXPECT_TRUE(ro->show("Q2", Viewer::user("carol@example.org"))->empty());
  auto size = ro->queue_size();
  ASSERT_TRUE(size) << size.error();
  EXPECT_EQ(*size, 2);
}

}  // namespace
}  // namespace hamail::mailsvc::traceindex
