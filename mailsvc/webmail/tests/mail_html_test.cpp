// A mail's frame: cid: images inlined as data: URLs (attribute and CSS url(), percent-encoded
// ids, only raster types, an unknown id left alone, "cid:" in text untouched), the strict
// policy by default and https: images only with remote_images=1; the route's flag.
#include "hamail/mailsvc/webmail/mail_html.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/webmail_api.h"
#include "null_mail_access.h"

namespace hamail::mailsvc::webmail {
namespace {

const std::vector<InlineImage> kImages{{"logo@x", "image/png", "\x89PNG"},
                                       {"a b@x", "image/gif", "GIF89a"},
                                       {"evil@x", "image/svg+xml", "<svg onload=x()>"}};

std::string csp(const http::HttpResponse& r) {
  for (const auto& [k, v] : r.headers)
    if (k == "Content-Security-Policy") return v;
  return "";
}

TEST(InlineCidImages, ReferencesBecomeDataUrls) {
  EXPECT_EQ(inline_cid_images(R"(<img src="cid:logo@x">)", kImages), R"(<img src="data:image/png;base64,iVBORw==">)");
  EXPECT_EQ(inline_cid_images("<img src='CID:a%20b@x'>", kImages), "<img src='data:image/gif;base64,R0lGODlh'>");
  EXPECT_EQ(inline_cid_images("<div style=\"background:url(cid:logo@x)\">", kImages),
            "<div style=\"background:url(data:image/png;base64,iVBORw==)\">");
  EXPECT_EQ(inline_cid_images("<img src=cid:logo@x>", kImages), "<img src=data:image/png;base64,iVBORw==>");
}

TEST(InlineCidImages, OthersStayAsTheyAre) {
  for (const char* html : {R"(<img src="cid:unknown@x">)", R"(<img src="cid:evil@x">)", "write to cid:logo@x here",
                           R"(<img src="cid:logo@x.extra">)", R"(<img src="cid:%zz">)", "cid:", ""})
    EXPECT_EQ(inline_cid_images(html, kImages), html) << html;
}

TEST(MailHtml, StrictPolicyUnlessRemoteImagesAsked) {
  MessageView v;
  v.html_body = R"(<img src="cid:logo@x"><img src="https://tracker.example/p.gif">)";
  v.inline_images = kImages;
  http::HttpResponse strict = mail_html_response(v, false);
  EXPECT_EQ(csp(strict), kHtmlMailPolicy);
  EXPECT_NE(strict.body.find("data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(csp(strict).find("https:"), std::string::npos);
  http::HttpResponse remote = mail_html_response(v, true);
  EXPECT_EQ(csp(remote), kHtmlMailPolicyRemoteImages);
  // Only images widen: scripts, styles from elsewhere, frames, forms stay shut.
  EXPECT_NE(csp(remote).find("sandbox;"), std::string::npos);
  EXPECT_NE(csp(remote).find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp(remote).find("img-src data: https:;"), std::string::npos);
  EXPECT_EQ(csp(remote).find("script"), std::string::npos);
  EXPECT_EQ(std::string(kHtmlMailPolicyRemoteImages).find("http:"), std::string::npos);
}

struct HtmlMail : fakes::NullMailAccess {
  Result<std::optional<MessageView>> message(const std::string&, const std::string&, std::uint32_t uid) override {
    if (uid != 1) return std::optional<MessageView>();
    MessageView v;
    v.html_body = R"(<img src="cid:logo@x">)";
    v.inline_images = kImages;
    return std::optional(v);
  }
};

http::HttpResponse get(MailAccess& mail, const std::string& target) {
  http::HttpRequest r;
  r.method = "GET";
  r.target = target;
  auto parsed = parse_api_route(r);
  return std::get<http::HttpResponse>(WebmailApi::run(MailJob{"alice", "192.0.2.1", std::get<ApiRoute>(parsed)}, mail));
}

TEST(MailHtml, ThroughTheRoute) {
  HtmlMail mail;
  http::HttpResponse r = get(mail, "/api/folders/INBOX/messages/1/html");
  EXPECT_EQ(csp(r), kHtmlMailPolicy);
  EXPECT_EQ(r.body, R"(<img src="data:image/png;base64,iVBORw==">)");
  EXPECT_EQ(csp(get(mail, "/api/folders/INBOX/messages/1/html?remote_images=1")), kHtmlMailPolicyRemoteImages);
  EXPECT_EQ(csp(get(mail, "/api/folders/INBOX/messages/1/html?remote_images=yes")), kHtmlMailPolicy);
  EXPECT_EQ(get(mail, "/api/folders/INBOX/messages/2/html").status, http::Status::not_found);
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
