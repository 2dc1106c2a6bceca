// A document root in a fresh temporary directory for StaticSite's tests, with helpers to
// write files and to ask the site for a target.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hamail/mailsvc/httpd/static_site.h"

namespace hamail::mailsvc::httpd {

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/httpd_site_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/root");
    std::filesystem::create_directories(dir_ + "/outside");
    write("outside/secret.txt", "secret");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string root() const { return dir_ + "/root"; }
  void write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + rel).parent_path());
    std::ofstream(dir_ + "/" + rel, std::ios::binary) << text;
  }
  StaticSite site(SiteOptions options = {}) {
    auto r = BeneathRoot::open(root());
    EXPECT_TRUE(r);
    return StaticSite(std::move(*r), std::move(options));
  }
  static http::HttpResponse get(StaticSite& s, const std::string& target,
                                std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::HttpRequest req;
    req.method = "GET";
    req.target = target;
    req.headers = std::move(headers);
    return s.handle(req, 0);
  }
  // The body as the client would get it (the file range read back).
  static std::string body(const http::HttpResponse& r) {
    if (!r.file) return r.body;
    auto* f = dynamic_cast<FdFile*>(r.file->file.get());
    std::string out(r.file->length, '\0');
    EXPECT_EQ(::pread(f->fd(), out.data(), out.size(), static_cast<off_t>(r.file->offset)),
              static_cast<ssize_t>(out.size()));
    return out;
  }
  static std::string header(const http::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v;
    return "";
  }

  std::string dir_;
};

}  // namespace hamail::mailsvc::httpd
