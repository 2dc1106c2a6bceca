// MailboxWorker group 3: SEARCH (every kind of key, ESEARCH, SAVE and "$", MODSEQ,
// BADCHARSET), SORT and THREAD.
#include "worker_fixture.h"

namespace hamail::mailsvc::imapworker::testing {
namespace {

using imap::SessionFlags;

const std::string kReply =
    "From: Dave <dave@example.org>\r\nTo: alice@example.org\r\nSubject: Re: Hello\r\n"
    "Date: Wed, 9 Feb 1994 10:00:00 +0000\r\nMessage-ID: <3@example.org>\r\nIn-Reply-To: <1@example.org>\r\n"
    "References: <1@example.org>\r\n\r\nHi Alice, this is a somewhat longer reply than the others\r\n";

class SearchTest : public WorkerTest {
 protected:
  void SetUp() override {
    WorkerTest::SetUp();
    w_.emplace(root_);
    add(kHello, store::kSeen, 760686745);         // 8 Feb 1994 05:52:25 UTC (sent 7 Feb -0800)
    add(kLunch, store::kFlagged, 760708800);      // 8 Feb 1994 12:00 UTC
    add(kReply, 0, 760788000);                    // 9 Feb 1994 10:00 UTC
    run(*w_, "S1 SELECT INBOX");
  }
  std::string search(const std::string& criteria, SessionFlags flags = {}) {
    return run(*w_, "A1 SEARCH " + criteria, flags);
  }
  std::optional<MailboxWorker> w_;
};

std::string found(const std::string& numbers, const std::string& tag = "A1", const std::string& name = "SEARCH") {
  return "* SEARCH" + numbers + "\r\n" + tag + " OK " + name + " completed\r\n";
}

TEST_F(SearchTest, FlagsAndSets) {
  EXPECT_EQ(search("ALL"), found(" 1 2 3"));
  EXPECT_EQ(search("UNSEEN"), found(" 2 3"));
  EXPECT_EQ(search("FLAGGED"), found(" 2"));
  EXPECT_EQ(search("NEW"), found(""));  // nothing is \Recent
  EXPECT_EQ(search("OLD SEEN"), found(" 1"));
  EXPECT_EQ(search("2:*"), found(" 2 3"));
  EXPECT_EQ(search("NOT 2"), found(" 1 3"));
  EXPECT_EQ(search("OR FLAGGED SEEN"), found(" 1 2"));
  EXPECT_EQ(run(*w_, "A1 UID SEARCH UID 3:*"), found(" 3", "A1", "UID SEARCH"));
  run(*w_, "A2 STORE 3 +FLAGS (Junk)");
  EXPECT_EQ(search("KEYWORD junk"), found(" 3"));
  EXPECT_EQ(search("UNKEYWORD Junk"), found(" 1 2"));
}

TEST_F(SearchTest, HeadersAndText) {
  EXPECT_EQ(search("FROM alice"), found(" 1"));
  EXPECT_EQ(search("TO ALICE"), found(" 3"));
  EXPECT_EQ(search("SUBJECT hello"), found(" 1 3"));
  EXPECT_EQ(search("HEADER Message-ID <2@"), found(" 2"));
  EXPECT_EQ(search("BODY noon"), found(" 2"));
  EXPECT_EQ(search("BODY Dave"), found(""));
  EXPECT_EQ(search("TEXT Dave"), found(" 3"));
  EXPECT_EQ(search("CHARSET UTF-8 BODY lunch"), found(" 2"));
  EXPECT_EQ(search("CHARSET ISO-8859-1 BODY lunch"), "A1 NO [BADCHARSET (UTF-8 US-ASCII)] Charset not supported\r\n");
}

TEST_F(SearchTest, DatesAndSizes) {
  EXPECT_EQ(search("ON 8-Feb-1994"), found(" 1 2"));
  EXPECT_EQ(search("SINCE 9-Feb-1994"), found(" 3"));
  EXPECT_EQ(search("BEFORE 8-Feb-1994"), found(""));
  EXPECT_EQ(search("SENTON 7-Feb-1994"), found(" 1"));  // the date as the sender wrote it
  EXPECT_EQ(search("SENTBEFORE 8-Feb-1994"), found(" 1"));
  EXPECT_EQ(search("SENTSINCE 8-Feb-1994"), found(" 2 3"));
  ASSERT_LT(kHello.size(), kLunch.size());
  EXPECT_EQ(search("LARGER " + std::to_string(kHello.size())), found(" 2 3"));
  EXPECT_EQ(search("SMALLER " + std::to_string(kLunch.size())), found(" 1"));
  EXPECT_EQ(search("NOT LARGER " + std::to_string(kLunch.size())), found(" 1 2"));
}

TEST_F(SearchTest, EsearchSaveAndDollar) {
  EXPECT_EQ(run(*w_, "A1 SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN"),
            "* ESEARCH (TAG \"A1\") MIN 2 MAX 3 ALL 2:3 COUNT 2\r\nA1 OK SEARCH completed\r\n");
  EXPECT_EQ(run(*w_, "A2 UID SEARCH RETURN () FLAGGED"), "* ESEARCH (TAG \"A2\") UID ALL 2\r\nA2 OK UID SEARCH completed\r\n");
  EXPECT_EQ(run(*w_, "A3 SEARCH RETURN (COUNT) DELETED"), "* ESEARCH (TAG \"A3\") COUNT 0\r\nA3 OK SEARCH completed\r\n");
  EXPECT_EQ(run(*w_, "A4 SEARCH RETURN (SAVE) SUBJECT hello"), "A4 OK SEARCH completed\r\n");
  EXPECT_EQ(run(*w_, "A5 FETCH $ UID"), "* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nA5 OK FETCH completed\r\n");
  EXPECT_EQ(run(*w_, "A6 SEARCH $ UNSEEN"), "* SEARCH 3\r\nA6 OK SEARCH completed\r\n");
}

TEST_F(SearchTest, ModseqSearch) {
  SessionFlags cs{.condstore = true};
  std::string set = run(*w_, "A0 STORE 2 +FLAGS (\\Answered)", cs);
  std::size_t p = set.find("MODSEQ (") + 8;
  std::string m = set.substr(p, set.find(')', p) - p);
  EXPECT_EQ(search("MODSEQ " + m, cs), "* SEARCH 2 (MODSEQ " + m + ")\r\nA1 OK SEARCH completed\r\n");
  auto reply = run_reply(*w_, "A2 SEARCH MODSEQ \"/flags/\\\\answered\" all " + m);
  EXPECT_TRUE(reply.condstore_now_on);
  EXPECT_EQ(reply.bytes, "* SEARCH 2 (MODSEQ " + m + ")\r\nA2 OK SEARCH completed\r\n");
}

TEST_F(SearchTest, SearchDefersExpunges) {
  MailboxWorker other(root_);
  run(other, "B1 SELECT INBOX");
  run(other, "B2 STORE 1 +FLAGS (\\Deleted)");
  run(other, "B3 EXPUNGE");
  EXPECT_EQ(search("ALL"), found(" 2 3"));  // numbers as the client still knows them
  EXPECT_EQ(run(*w_, "A2 CHECK"), "* 1 EXPUNGE\r\nA2 OK CHECK completed\r\n");
  EXPECT_EQ(search("ALL"), found(" 1 2"));
}

TEST_F(SearchTest, SortAndThread) {
  EXPECT_EQ(run(*w_, "A1 SORT (SUBJECT) UTF-8 ALL"), "* SORT 1 3 2\r\nA1 OK SORT completed\r\n");
  EXPECT_EQ(run(*w_, "A2 SORT (REVERSE ARRIVAL) UTF-8 ALL"), "* SORT 3 2 1\r\nA2 OK SORT completed\r\n");
  EXPECT_EQ(run(*w_, "A3 UID SORT (REVERSE FROM) US-ASCII UNSEEN"), "* SORT 3 2\r\nA3 OK UID SORT completed\r\n");
  EXPECT_EQ(run(*w_, "A4 SORT (REVERSE SIZE) UTF-8 ALL"), "* SORT 3 2 1\r\nA4 OK SORT completed\r\n");
  EXPECT_EQ(run(*w_, "A4 SORT (SIZE) UTF-8 ALL"), "* SORT 1 2 3\r\nA4 OK SORT completed\r\n");
  EXPECT_EQ(run(*w_, "A5 SORT (DATE) KOI8-R ALL"), "A5 NO [BADCHARSET (UTF-8 US-ASCII)] Charset not supported\r\n");
  EXPECT_EQ(run(*w_, "A6 THREAD REFERENCES UTF-8 ALL"), "* THREAD (1 3)(2)\r\nA6 OK THREAD completed\r\n");
  EXPECT_EQ(run(*w_, "A7 THREAD ORDEREDSUBJECT UTF-8 ALL"), "* THREAD (1 3)(2)\r\nA7 OK THREAD completed\r\n");
  EXPECT_EQ(run(*w_, "A8 UID THREAD REFERENCES UTF-8 DELETED"), "* THREAD\r\nA8 OK UID THREAD completed\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::imapworker::testing
