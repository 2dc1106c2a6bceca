// The compose endpoints through WebmailApi over a fake mailbox and a fake submission
// server: send (the session's password reaches AUTH, never the reply; Bcc only in the
// envelope; a copy in Sent; \Answered / $Forwarded on the original; a sent draft removed),
// an SMTP refusal as a JSON error with no Sent copy, drafts, the reply/forward prefill.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/reply_prefill.h"
#include "hamail/mailsvc/webmail/webmail_api.h"
#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

struct ComposeMail : MailAccess {
  std::vector<std::string> calls;
  std::vector<std::pair<std::string, std::string>> appended;  // (special use, message)
  std::uint32_t next_uid = 10;

  Result<bool> verify_login(const std::string& user, const std::string& password) override {
    return user == "alice@example.org" && password == "s3cret";
  }
  Result<std::vector<FolderInfo>> folders(const std::string&) override { return std::vector<FolderInfo>{}; }
  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string&, const std::string&) override {
    return std::optional<std::vector<MessageSummary>>();
  }
  Result<std::optional<MessageView>> message(const std::string&, const std::string& folder, std::uint32_t uid) override {
    if (folder != "INBOX" || uid != 3) return std::optional<MessageView>();
    MessageView v;
    v.attachments = {{2, "plan.pdf", "application/pdf", 3}};
    return std::optional(v);
  }
  Result<std::optional<AttachmentData>> attachment(const std::string&, const std::string& folder, std::uint32_t uid,
                                                   std::uint32_t part) override {
    if (folder != "INBOX" || uid != 3 || part != 2) return std::optional<AttachmentData>();
    return std::optional(AttachmentData{"plan.pdf", "PDF"});
  }
  Result<bool> set_flag(const std::string&, const std::string& folder, std::uint32_t uid, const std::string& flag,
                        FlagChange) override {
    calls.push_back("flag " + folder + " " + std::to_string(uid) + " " + flag);
    return true;
  }
  Result<bool> move(const std::string&, const std::string&, const std::vector<std::uint32_t>&,
                    const std::string&) override {
    return true;
  }
  Result<bool> remove(const std::string&, const std::string&, const std::vector<std::uint32_t>&) override {
    return true;
  }
  Result<std::optional<ReplySource>> reply_source(const std::string&, const std::string& folder,
                                                  std::uint32_t uid) override {
    if (folder != "INBOX" || uid != 3) return std::optional<ReplySource>();
    ReplySource s;
    s.from = "Bob <bob@example.net>";
    s.to = "alice@example.org, \"Doe, J\" <j@example.net>";
    s.cc = "ALICE@example.org, carol@example.net, bob@example.net";
    s.subject = "plans";
    s.message_id = "<m3@example.net>";
    s.references = {"<m1@example.net>"};
    s.date = 1796464800;
    s.text_body = "first\n> older\n";
    s.attachments = {{2, "plan.pdf", "application/pdf", 3}};
    return std::optional(s);
  }
  Result<std::optional<std::uint32_t>> append_to_special(const std::string&, const std::string& special_use,
                                                         const std::string& message,
                                                         const std::vector<std::string>& flags) override {
    std::string f;
    for (const auto& x : flags) f += " " + x;
    calls.push_back("append " + special_use + f);
    appended.emplace_back(special_use, message);
    return std::optional(next_uid++);
  }
  Result<bool> expunge_special(const std::string&, const std::string& special_use,
                               const std::vector<std::uint32_t>& uids) override {
    calls.push_back("expunge " + special_use + " " + std::to_string(uids.at(0)));
    return true;
  }
};

struct FakeSubmitter : MailSubmitter {
  SubmitReply answer{true, 250, "250 2.0.0 queued"};
  std::string user, password, from, message;
  std::vector<std::string> recipients;
  std::string hostname() const override { return "mail.example.org"; }
  SubmitReply submit(const std::string& u, const SecretText& p, const std::string& f, const std::vector<std::string>& r,
                     const std::string& m) override {
    user = u;
    password = p.reveal();
    from = f;
    recipients = r;
    message = m;
    return answer;
  }
};

struct ComposeApiTest : ::testing::Test {
  ComposeMail mail;
  FakeSubmitter smtp;
  std::uint8_t counter = 0;
  WebmailApi api{SessionLimits{}, LoginLimits{}, [this] {
                   SecretBytes b{};
                   b.fill(++counter);
                   return b;
                 }};
  RequestContext ctx{true, "192.0.2.7", 1796464800000};
  std::string cookie, csrf;

  http::HttpRequest req(std::string method, std::string target, std::string body = "") {
    http::HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = {{"Host", "mail.example.org"}, {"Content-Type", "application/json"}};
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    if (!csrf.empty()) r.headers.push_back({"X-CSRF-Token", csrf});
    return r;
  }
  http::HttpResponse call(const http::HttpRequest& r, MailSubmitter* submitter) {
    auto a = api.admit(r, ctx);
    if (auto* now = std::get_if<http::HttpResponse>(&a)) return *now;
    const MailJob& job = std::get<MailJob>(a);
    return api.finish(job, WebmailApi::run(job, mail, submitter), ctx).response;
  }
  http::HttpResponse call(const http::HttpRequest& r) { return call(r, &smtp); }
  void SetUp() override {
    http::HttpResponse r =
        call(req("POST", "/api/login", json{{"user", "alice@example.org"}, {"password", "s3cret"}}.dump()));
    ASSERT_EQ(r.status, http::Status::ok);
    for (const auto& [k, v] : r.headers)
      if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
    csrf = json::parse(r.body).at("csrf_token");
  }
  http::HttpResponse send(const json& body) { return call(req("POST", "/api/send", body.dump())); }
};

TEST_F(ComposeApiTest, SendSubmitsAsTheUserAndKeepsACopyInSent) {
  http::HttpResponse r = send({{"to", "Bob <bob@example.net>"},
                               {"bcc", "hidden@example.net"},
                               {"subject", "hello"},
                               {"text", "hi Bob"},
                               {"attachments", json::array({{{"filename", "a.txt"}, {"content_type", "text/plain"},
                                                             {"data", wire::base64_encode("file text")}}})}});
  ASSERT_EQ(r.status, http::Status::ok) << r.body;
  json body = json::parse(r.body);
  EXPECT_TRUE(body.at("saved_to_sent").get<bool>());
  EXPECT_TRUE(body.at("message_id").get<std::string>().ends_with("@mail.example.org>"));
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);
  EXPECT_EQ(smtp.user, "alice@example.org");
  EXPECT_EQ(smtp.password, "s3cret");  // from the session, not from the request
  EXPECT_EQ(smtp.from, "alice@example.org");
  EXPECT_EQ(smtp.recipients, (std::vector<std::string>{"bob@example.net", "hidden@example.net"}));
  EXPECT_EQ(smtp.message.find("hidden@example.net"), std::string::npos);
  EXPECT_NE(smtp.message.find("filename=\"a.txt\""), std::string::npos);
  EXPECT_NE(smtp.message.find("Date: Sat, 5 Dec 2026 10:00:00 +0000"), std::string::npos);
  ASSERT_EQ(mail.appended.size(), 1u);
  EXPECT_EQ(mail.calls, (std::vector<std::string>{"append \\Sent \\Seen"}));
  EXPECT_NE(mail.appended[0].second.find("Bcc: hidden@example.net"), std::string::npos);
}

TEST_F(ComposeApiTest, RefusedRecipientIsAJsonErrorAndNothingGoesToSent) {
  smtp.answer = SubmitReply{false, 550, "550 5.1.1 <nobody@example.org>: no such user"};
  http::HttpResponse r = send({{"to", "nobody@example.org"}, {"subject", "x"}, {"text", "y"}});
  EXPECT_EQ(r.status, http::Status::unprocessable_content);
  json body = json::parse(r.body);
  EXPECT_EQ(body.at("smtp_code"), 550);
  EXPECT_NE(body.at("error").get<std::string>().find("no such user"), std::string::npos);
  EXPECT_TRUE(mail.appended.empty());
  smtp.answer = SubmitReply{false, 0, "cannot connect to 127.0.0.1:587"};
  EXPECT_EQ(send({{"to", "bob@example.net"}}).status, http::Status::bad_gateway);
  EXPECT_TRUE(mail.appended.empty());
}

TEST_F(ComposeApiTest, HeaderInjectionIsRefusedBeforeAnythingIsSent) {
  http::HttpResponse r = send({{"to", "bob@example.net"}, {"subject", "hi\r\nBcc: victim@example.net"}});
  EXPECT_EQ(r.status, http::Status::bad_request);
  EXPECT_NE(r.body.find("subject"), std::string::npos);
  EXPECT_TRUE(smtp.recipients.empty());
}

TEST_F(ComposeApiTest, SendNeedsTheCsrfTokenAndAConfiguredSubmission) {
  std::string token = csrf;
  csrf.clear();
  EXPECT_EQ(send({{"to", "bob@example.net"}}).status, http::Status::forbidden);
  csrf = token;
  EXPECT_EQ(call(req("POST", "/api/send", json{{"to", "bob@example.net"}}.dump()), nullptr).status,
            http::Status::service_unavailable);
  EXPECT_EQ(call(req("GET", "/api/send")).status, http::Status::method_not_allowed);
}

TEST_F(ComposeApiTest, ReplyMarksTheOriginalAnsweredAndForwardCarriesItsAttachment) {
  ASSERT_EQ(send({{"to", "bob@example.net"}, {"reply_to_message", {{"folder", "INBOX"}, {"uid", 3}}}}).status,
            http::Status::ok);
  EXPECT_EQ(mail.calls.back(), "flag INBOX 3 \\Answered");
  http::HttpResponse r = send({{"to", "carol@example.net"},
                               {"attachments", json::array({{{"folder", "INBOX"}, {"uid", 3}, {"part", 2}}})},
                               {"reply_to_message", {{"folder", "INBOX"}, {"uid", 3}, {"forward", true}}}});
  ASSERT_EQ(r.status, http::Status::ok) << r.body;
  EXPECT_EQ(mail.calls.back(), "flag INBOX 3 $Forwarded");
  EXPECT_NE(smtp.message.find("Content-Type: application/pdf; name=\"plan.pdf\""), std::string::npos);
  EXPECT_NE(smtp.message.find(wire::base64_encode("PDF")), std::string::npos);
  EXPECT_EQ(send({{"to", "c@example.net"}, {"attachments", json::array({{{"folder", "INBOX"}, {"uid", 3}, {"part", 9}}})}})
                .status,
            http::Status::not_found);
}

TEST_F(ComposeApiTest, DraftsAreSavedReplacedAndRemovedWhenSent) {
  http::HttpResponse r = call(req("POST", "/api/drafts", json{{"subject", "later"}}.dump()));
  ASSERT_EQ(r.status, http::Status::ok) << r.body;
  std::uint32_t uid = json::parse(r.body).at("uid");
  EXPECT_EQ(mail.calls.back(), "append \\Drafts \\Draft \\Seen");
  r = call(req("POST", "/api/drafts", json{{"subject", "later, longer"}, {"draft_uid", uid}}.dump()));
  ASSERT_EQ(r.status, http::Status::ok);
  EXPECT_EQ(mail.calls.back(), "expunge \\Drafts " + std::to_string(uid));
  std::uint32_t second = json::parse(r.body).at("uid");
  ASSERT_EQ(send({{"to", "bob@example.net"}, {"draft_uid", second}}).status, http::Status::ok);
  EXPECT_EQ(mail.calls.back(), "expunge \\Drafts " + std::to_string(second));
}

TEST_F(ComposeApiTest, LogoutWipesThePasswordWithTheSession) {
  ASSERT_EQ(call(req("POST", "/api/logout")).status, http::Status::ok);
  EXPECT_EQ(send({{"to", "bob@example.net"}}).status, http::Status::unauthorized);
  EXPECT_EQ(api.sessions().size(), 0u);
}

TEST_F(ComposeApiTest, ReplyPrefill) {
  json r = json::parse(call(req("GET", "/api/folders/INBOX/messages/3/reply?mode=reply")).body);
  EXPECT_EQ(r.at("to"), json::array({"\"Bob\" <bob@example.net>"}));
  EXPECT_EQ(r.at("cc"), json::array());
  EXPECT_EQ(r.at("subject"), "Re: plans");
  EXPECT_EQ(r.at("in_reply_to"), "<m3@example.net>");
  EXPECT_EQ(r.at("references"), "<m1@example.net> <m3@example.net>");
  EXPECT_NE(r.at("text").get<std::string>().find("Bob <bob@example.net> wrote:\n> first\n>> older\n"),
            std::string::npos)
      << r.at("text");
  EXPECT_EQ(r.at("attachments"), json::array());
}

TEST_F(ComposeApiTest, ReplyAllLeavesOutTheUserAndDuplicates) {
  json r = json::parse(call(req("GET", "/api/folders/INBOX/messages/3/reply?mode=all")).body);
  EXPECT_EQ(r.at("to"), json::array({"\"Bob\" <bob@example.net>", "\"Doe, J\" <j@example.net>"}));
  EXPECT_EQ(r.at("cc"), json::array({"carol@example.net"}));
}

TEST_F(ComposeApiTest, ForwardPrefill) {
  json r = json::parse(call(req("GET", "/api/folders/INBOX/messages/3/reply?mode=forward")).body);
  EXPECT_EQ(r.at("to"), json::array());
  EXPECT_EQ(r.at("subject"), "Fwd: plans");
  EXPECT_EQ(r.at("in_reply_to"), "");
  EXPECT_EQ(r.at("attachments").size(), 1u);
  EXPECT_EQ(r.at("attachments")[0].at("part"), 2);
  EXPECT_EQ(r.at("reply_to_message").at("forward"), true);
  EXPECT_NE(r.at("text").get<std::string>().find("Forwarded message"), std::string::npos);
  EXPECT_EQ(call(req("GET", "/api/folders/INBOX/messages/9/reply")).status, http::Status::not_found);
  EXPECT_EQ(call(req("GET", "/api/folders/INBOX/messages/3/reply?mode=x")).status, http::Status::bad_request);
}

TEST(ReplySubject, PrefixAddedOnce) {
  EXPECT_EQ(prefixed_subject("x", "Re: "), "Re: x");
  EXPECT_EQ(prefixed_subject("RE: x", "Re: "), "RE: x");
  EXPECT_EQ(prefixed_subject("Fwd: x", "Fwd: "), "Fwd: x");
  EXPECT_EQ(prefixed_subject("FW: x", "Fwd: "), "FW: x");
  EXPECT_EQ(prefixed_subject("Re: x", "Fwd: "), "Fwd: Re: x");
}

TEST(SecretTextTest, CopiesAndMovesLeaveNoCopyBehind) {
  SecretText a("pw");
  SecretText b = a;
  SecretText c = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped
  EXPECT_EQ(b.reveal(), "pw");
  EXPECT_EQ(c.reveal(), "pw");
  c.wipe();
  EXPECT_TRUE(c.empty());
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
