// IncomingMessage (hardening item 13): a message written to the queue as it arrives in
// chunks, never held whole; our fields before its header section wherever the chunks
// split it; a loop refused unwritten; nothing but a complete message ever becomes <id>.msg,
// and what a crash leaves is removed at the next start.
#include "hamail/mailsvc/smtpd/incoming_message.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../store/tests/temp_dir.h"

namespace hamail::mailsvc::smtpd {
namespace {

namespace fs = std::filesystem;

class IncomingMessageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(queue_.init()); }

  IncomingMessage::Head head(const std::string& id, bool submission = false) {
    IncomingMessage::Head h;
    h.envelope.id = id;
    h.envelope.from = "bob@remote.example";
    h.envelope.rcpt_to = {"alice@example.org"};
    h.envelope.recipients = {{QueuedRecipient::State::pending, "alice@example.org", "", "", ""}};
    h.envelope.arrival = 1764000000;
    h.received = "Received: from c (unknown [192.0.2.7])\r\n\tby mx (hamail) with ESMTP id " + id + "; now\r\n";
    if (submission) {
      h.message_id = "<" + id + "@mx.example.org>";
      h.date = "Thu, 26 Nov 2026 10:00:00 +0000";
    }
    return h;
  }
  // Feeds `message` in pieces of `chunk` bytes and finishes.
  IncomingMessage::Finished receive(IncomingMessage::Head h, const std::string& message, std::size_t chunk) {
    auto m = IncomingMessage::create(queue_, std::move(h));
    EXPECT_TRUE(m) << m.error();
    if (!m) return {};
    for (std::size_t i = 0; i < message.size(); i += chunk) (*m)->append(std::string_view(message).substr(i, chunk));
    return (*m)->finish();
  }
  std::vector<std::string> files() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ / "queue")) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::TempDir dir_;
  Queue queue_{dir_ / "queue"};
};

TEST_F(IncomingMessageTest, EveryChunkingGivesTheSameQueueFile) {
  const std::string message = "Subject: hi\r\nMessage-ID: <m1@remote.example>\r\n\r\nbody line\r\n\r\nmore\r\n";
  for (std::size_t chunk : {1, 2, 3, 5, 13, 1000}) {
    std::string id = "Q" + std::to_string(chunk);
    auto f = receive(head(id), message, chunk);
    ASSERT_EQ(f.outcome, IncomingMessage::Outcome::queued) << f.error;
    EXPECT_EQ(f.envelope.message_id, "<m1@remote.example>");
    auto env = queue_.load(id);
    ASSERT_TRUE(env) << env.error();
    EXPECT_EQ(env->message_id, "<m1@remote.example>");
    EXPECT_EQ(env->recipients.size(), 1u);
    auto text = queue_.read_message(id, 1 << 20);
    ASSERT_TRUE(text) << text.error();
    EXPECT_EQ(*text, head(id).received + message) << chunk;
    EXPECT_EQ(f.size, text->size());
    EXPECT_EQ(f.envelope.message_bytes, text->size()) << "queued with its size";
    EXPECT_EQ(env->message_bytes, text->size()) << "loaded with the same size";
  }
  EXPECT_EQ(files().size(), 6u);  // only the .msg files: no temporaries left
  for (const auto& name : files()) EXPECT_TRUE(name.ends_with(".msg")) << name;
}

TEST_F(IncomingMessageTest, ASubmissionGetsTheFieldsItLacksBeforeItsHeader) {
  auto f = receive(head("S1", true), "Subject: no id\r\n\r\nDate: in the body, not a field\r\n", 7);
  ASSERT_EQ(f.outcome, IncomingMessage::Outcome::queued) << f.error;
  EXPECT_EQ(*queue_.read_message("S1", 1 << 20),
            head("S1").received + "Message-ID: <S1@mx.example.org>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n" +
                "Subject: no id\r\n\r\nDate: in the body, not a field\r\n");
  EXPECT_EQ(queue_.load("S1")->message_id, "<S1@mx.example.org>");
  // Both present (the header's end split across chunks as "\r\n\r" | "\n"): nothing added.
  const std::string full = "Message-ID: <own@x>\r\nDate: Wed, 25 Nov 2026 00:00:00 +0000\r\n\r\nbody\r\n";
  auto g = receive(head("S2", true), full, full.find("\r\n\r\n") + 3);
  ASSERT_EQ(g.outcome, IncomingMessage::Outcome::queued) << g.error;
  EXPECT_EQ(*queue_.read_message("S2", 1 << 20), head("S2").received + full);
  // No header section at all: the fields go first, then the body as sent.
  auto h = receive(head("S3", true), "\r\njust a body\r\n", 4);
  ASSERT_EQ(h.outcome, IncomingMessage::Outcome::queued) << h.error;
  EXPECT_TRUE(queue_.read_message("S3", 1 << 20)->ends_with("+0000\r\n\r\njust a body\r\n"));
}

TEST_F(IncomingMessageTest, AHugeHeaderSectionIsWrittenAsItComes) {
  std::string header;
  while (header.size() <= IncomingMessage::kMaxHeaderBytes + 8192) header += "X-Filler: " + std::string(80, 'f') + "\r\n";
  std::string message = header + "Message-ID: <late@x>\r\n\r\nbody\r\n";
  auto f = receive(head("H1"), message, 4096);
  ASSERT_EQ(f.outcome, IncomingMessage::Outcome::queued) << f.error;
  EXPECT_EQ(*queue_.read_message("H1", 1 << 20), head("H1").received + message);
  EXPECT_EQ(f.envelope.message_id, "-");  // beyond what is held (the bound and one chunk): not looked for
}

TEST_F(IncomingMessageTest, ALoopIsRefusedAndNothingIsLeft) {
  std::string hops;
  for (int i = 0; i < 50; ++i) hops += "Received: from hop" + std::to_string(i) + " by x; now\r\n";
  auto f = receive(head("L1"), hops + "Subject: loop\r\n\r\n" + std::string(100000, 'x') + "\r\n", 1000);
  EXPECT_EQ(f.outcome, IncomingMessage::Outcome::too_many_hops);
  EXPECT_EQ(f.hops, 50u);
  EXPECT_TRUE(files().empty());
  auto ok = receive(head("L2"), hops.substr(hops.find('\n') + 1) + "\r\nx\r\n", 100);  // 49 pass
  EXPECT_EQ(ok.outcome, IncomingMessage::Outcome::queued) << ok.error;
}

TEST_F(IncomingMessageTest, UnfinishedMessagesNeverBecomeQueuedOnes) {
  {
    auto m = IncomingMessage::create(queue_, head("D1"));
    ASSERT_TRUE(m) << m.error();
    (*m)->append("Subject: dropped\r\n\r\nhalf");
    EXPECT_EQ(files(), std::vector<std::string>{"D1.msg.tmp"});
    auto listed = queue_.list(nullptr);
    ASSERT_TRUE(listed);
    EXPECT_TRUE(listed->empty()) << "a message being received is not in the queue";
  }  // destroyed (the connection went away): removed
  EXPECT_TRUE(files().empty());
  auto m = IncomingMessage::create(queue_, head("D2"));
  ASSERT_TRUE(m);
  (*m)->append("Subject: too big\r\n\r\n");
  (*m)->discard();
  EXPECT_TRUE(files().empty());
  EXPECT_EQ((*m)->finish().outcome, IncomingMessage::Outcome::failed);
  EXPECT_TRUE(files().empty());
  // A crash leaves the temporary file: the next start removes it, the messages stay.
  ASSERT_EQ(receive(head("K1"), "Subject: kept\r\n\r\nx\r\n", 5).outcome, IncomingMessage::Outcome::queued);
  auto crashed = IncomingMessage::create(queue_, head("C1"));
  ASSERT_TRUE(crashed);
  (*crashed)->append("Subject: half\r\n\r\nhalf a mess");
  fs::copy_file(dir_ / "queue/C1.msg.tmp", dir_ / "queue/C2.msg.tmp");  // as if the process had died
  fs::copy_file(dir_ / "queue/K1.msg", dir_ / "queue/K1.env.tmp.123.456");
  auto removed = queue_.remove_temporaries();
  ASSERT_TRUE(removed) << removed.error();
  EXPECT_EQ(*removed, 3u);
  EXPECT_EQ(files(), std::vector<std::string>{"K1.msg"});
}

TEST_F(IncomingMessageTest, TheQueuedMessageIsReadBackInBoundedPieces) {
  std::string body;
  while (body.size() < 300000) body += "line " + std::to_string(body.size()) + "\r\n";
  ASSERT_EQ(receive(head("B1"), "Subject: big\r\n\r\n" + body, 65536).outcome, IncomingMessage::Outcome::queued);
  auto file = queue_.open_message("B1");
  ASSERT_TRUE(file) << file.error();
  std::string copy;
  std::size_t pieces = 0, largest = 0;
  ASSERT_TRUE(file->copy_to([&](std::string_view p) {
    copy.append(p);
    ++pieces;
    largest = std::max(largest, p.size());
    return Status::ok();
  }));
  EXPECT_EQ(copy, head("B1").received + "Subject: big\r\n\r\n" + body);
  EXPECT_EQ(file->size(), copy.size());
  EXPECT_LE(largest, 64u * 1024);
  EXPECT_GE(pieces, 5u);
  auto start = queue_.read_message_start("B1", 100);
  ASSERT_TRUE(start) << start.error();
  EXPECT_EQ(*start, copy.substr(0, 100));
}

}  // namespace
}  // namespace hamail::mailsvc::smtpd
