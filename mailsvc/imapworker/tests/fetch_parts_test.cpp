// FETCH answered in parts (MailboxWorker::run_in_parts / next_part, imapd's streamed
// replies): the parts joined are the whole answer, each part but the last holds at least
// the part size, the tagged reply comes only at the end, \Seen is set once, and a new
// command drops a FETCH left unfinished.
#include <string>
#include <utility>
#include <vector>

#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker::testing {
namespace {

imap::Command parse(const std::string& text) {
  auto cmd = imap::test::parse(text + "\r\n", {});
  EXPECT_TRUE(cmd) << cmd.error();
  return cmd ? *cmd : imap::Command{};
}

std::string message(int i) {
  return "From: a@example.org\r\nSubject: message " + std::to_string(i) + "\r\n\r\n" +
         std::string(static_cast<std::size_t>(300 + 37 * i), static_cast<char>('a' + i % 26)) + "\r\n";
}

class FetchPartsTest : public WorkerTest {
 protected:
  void SetUp() override {
    WorkerTest::SetUp();
    for (int i = 0; i < 20; ++i) add(message(i));
  }

  // All parts of `text` with parts of `part_bytes`; the last one is the tagged reply's.
  std::vector<MailboxWorker::Part> parts(MailboxWorker& w, const std::string& text, std::size_t part_bytes,
                                         imap::SessionFlags flags = {}) {
    std::vector<MailboxWorker::Part> out;
    out.push_back(w.run_in_parts({parse(text), flags}, part_bytes));
    while (out.back().more && out.size() < 1000) out.push_back(w.next_part(part_bytes));
    return out;
  }
};

TEST_F(FetchPartsTest, PartsJoinedAreTheWholeAnswer) {
  MailboxWorker whole(root_), parted(root_);
  run(whole, "s SELECT INBOX");
  run(parted, "s SELECT INBOX");
  for (auto [cmd, size] : {std::pair<std::string, std::size_t>{"f FETCH 1:* (UID FLAGS BODY.PEEK[])", 1000},
                            {"g UID FETCH 3:15 (RFC822.SIZE BODY.PEEK[TEXT])", 1000},
                            {"h FETCH 1:* (FLAGS)", 100}}) {
    std::string expected = run(whole, cmd);
    auto got = parts(parted, cmd, size);
    ASSERT_GT(got.size(), 2u) << cmd;
    std::string joined;
    for (std::size_t i = 0; i < got.size(); ++i) {
      bool last = i + 1 == got.size();
      EXPECT_EQ(got[i].more, !last);
      if (!last) {
        EXPECT_GE(got[i].reply.bytes.size(), size);
        EXPECT_EQ(got[i].reply.bytes.find("\r\n" + cmd.substr(0, 1) + " "), std::string::npos);
      }
      joined += got[i].reply.bytes;
    }
    EXPECT_EQ(joined, expected) << cmd;
    EXPECT_EQ(got.back().reply.bytes.substr(got.back().reply.bytes.rfind("\r\n", got.back().reply.bytes.size() - 3) + 2),
              cmd.substr(0, 1) + " OK " + (cmd[2] == 'U' ? "UID FETCH" : "FETCH") + " completed\r\n");
  }
}

TEST_F(FetchPartsTest, SeenIsSetOnceAndCondstoreReachesTheLastPart) {
  MailboxWorker w(root_);
  run(w, "s SELECT INBOX");
  auto got = parts(w, "f FETCH 1:* (BODY[] MODSEQ)", 2000);
  ASSERT_GT(got.size(), 2u);
  EXPECT_FALSE(got.front().reply.condstore_now_on);
  EXPECT_TRUE(got.back().reply.condstore_now_on);
  std::string joined;
  for (const auto& p : got) joined += p.reply.bytes;
  for (int seq = 1; seq <= 20; ++seq) {
    std::string head = "* " + std::to_string(seq) + " FETCH (";
    auto at = joined.find(head);
    ASSERT_NE(at, std::string::npos) << seq;
    EXPECT_NE(joined.find("FLAGS (\\Seen)", at), std::string::npos) << seq;
  }
  // Each message told once, in order.
  std::size_t last = 0;
  for (int seq = 1; seq <= 20; ++seq) {
    auto at = joined.find("* " + std::to_string(seq) + " FETCH (");
    EXPECT_GE(at, last);
    last = at;
  }
  EXPECT_EQ(run(w, "t FETCH 1:* (FLAGS)").find("FLAGS ()"), std::string::npos);
}

TEST_F(FetchPartsTest, OtherCommandsComeWholeAndANewCommandDropsTheRest) {
  MailboxWorker w(root_);
  auto select = w.run_in_parts({parse("s SELECT INBOX"), {}}, 10);
  EXPECT_FALSE(select.more);
  EXPECT_NE(select.reply.bytes.find("s OK [READ-WRITE]"), std::string::npos);
  EXPECT_EQ(select.reply.selected, imap::SelectedChange::selected);

  auto first = w.run_in_parts({parse("f FETCH 1:* (BODY.PEEK[])"), {}}, 500);
  ASSERT_TRUE(first.more);
  EXPECT_EQ(first.reply.bytes.rfind("* 1 FETCH (BODY[] {", 0), 0u) << first.reply.bytes.substr(0, 40);
  // The client went away; the next session command starts afresh.
  auto noop = w.run_in_parts({parse("n NOOP"), {}}, 500);
  EXPECT_FALSE(noop.more);
  EXPECT_EQ(noop.reply.bytes, "n OK NOOP completed\r\n");
  auto stray = w.next_part(500);
  EXPECT_FALSE(stray.more);
  EXPECT_EQ(stray.reply.bytes.rfind("* BAD", 0), 0u);

  // A part never splits a message: with a tiny part size, one message per part.
  auto tiny = parts(w, "g FETCH 1:3 (BODY.PEEK[])", 1);
  ASSERT_EQ(tiny.size(), 3u);
  EXPECT_EQ(tiny[0].reply.bytes.rfind("* 1 FETCH", 0), 0u);
  EXPECT_EQ(tiny[1].reply.bytes.rfind("* 2 FETCH", 0), 0u);
  EXPECT_EQ(tiny[2].reply.bytes.rfind("* 3 FETCH", 0), 0u);
  EXPECT_NE(tiny[2].reply.bytes.find("g OK FETCH completed"), std::string::npos);
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker::testing
