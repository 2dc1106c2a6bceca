// Test helpers for TLS: secrets, temporary directories, and an in-memory "wire"
// that shuttles ciphertext between two TlsSessions (bounded number of rounds).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "hamail/tls/secret.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_session.h"

namespace hamail::tls::testing {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline SharedSecret secret(std::string_view s) {
  auto r = SharedSecret::from_bytes(s);
  EXPECT_TRUE(r) << r.error();
  return std::move(*r);
}

struct WireResult {
  Status client;  // the first error the client's feed() returned
  Status server;
};

// Moves ciphertext both ways until neither side has anything to send (at most
// `max_rounds` round trips) and returns the first feed() error of each side.
inline WireResult shuttle(TlsSession& client, TlsSession& server, int max_rounds = 64) {
  WireResult r;
  for (int i = 0; i < max_rounds; ++i) {
    std::string to_server = client.take_ciphertext();
    std::string to_client = server.take_ciphertext();
    if (to_server.empty() && to_client.empty()) break;
    if (!to_server.empty()) {
      Status st = server.feed(to_server);
      if (!st && r.server.is_ok()) r.server = st;
    }
    if (!to_client.empty()) {
      Status st = client.feed(to_client);
      if (!st && r.client.is_ok()) r.client = st;
    }
  }
  return r;
}

struct SessionPair {
  std::unique_ptr<TlsSession> client;
  std::unique_ptr<TlsSession> server;
};

inline SessionPair make_pair(const TlsContext& client_ctx, const TlsContext& server_ctx,
                             const std::string& server_name = {}) {
  SessionPair p;
  auto c = TlsSession::create(client_ctx, "10.201.3.11:7789", server_name);
  auto s = TlsSession::create(server_ctx, "10.201.3.12:51234");
  EXPECT_TRUE(c) << c.error();
  EXPECT_TRUE(s) << s.error();
  if (c) p.client = std::move(*c);
  if (s) p.server = std::move(*s);
  return p;
}

// A fresh temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/hamail-tls-XXXXXX";
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hamail::tls::testing
