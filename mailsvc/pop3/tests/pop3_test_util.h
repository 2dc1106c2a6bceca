// An in-memory Maildrop and a fake shell for the POP3 session tests: the shell checks
// passwords from a table, reports a lock held by another session, and records what
// was committed and whether the lock was released.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/mailsvc/pop3/session.h"

namespace hamail::mailsvc::pop3::test {

struct DropRecord {
  std::vector<std::size_t> committed;
  int commits = 0;
  bool released = false;
};

class MemoryMaildrop : public Maildrop {
 public:
  MemoryMaildrop(std::vector<std::string> bodies, std::vector<std::string> uids, DropRecord* rec)
      : bodies_(std::move(bodies)), rec_(rec) {
    for (std::size_t i = 0; i < bodies_.size(); ++i) info_.push_back({bodies_[i].size(), uids[i]});
  }
  ~MemoryMaildrop() override { rec_->released = true; }
  const std::vector<MessageInfo>& messages() const override { return info_; }
  Result<std::string> read(std::size_t i) override {
    if (fail_read) return Error{"I/O error"};
    return bodies_.at(i);
  }
  Status commit_deletions(const std::vector<std::size_t>& idx) override {
    ++rec_->commits;
    rec_->committed = idx;
    if (fail_commit) return Error{"disk full"};
    return Status::ok();
  }
  bool fail_read = false;
  bool fail_commit = false;

 private:
  std::vector<std::string> bodies_;
  std::vector<MessageInfo> info_;
  DropRecord* rec_;
};

inline const std::vector<std::string>& sample_bodies() {
  static const std::vector<std::string> b = {
      "Subject: one\r\n\r\nhello\r\n",
      "Subject: two\r\nFrom: a@b\r\n\r\n.dot line\r\nsecond\r\n..two dots\r\nlast\r\n",
      "Subject: three\n\nbare LF body\n.\nend",
  };
  return b;
}

struct FakeShell {
  std::map<std::string, std::string> passwords = {{"alice@example.org", "secret"}};
  bool locked = false;
  bool temp_failure = false;
  bool rate_limited = false;  // the shell's failed-login limits refuse every login
  bool fail_read = false;
  bool fail_commit = false;
  DropRecord rec;
  std::vector<Authenticate> auths;
  int tls_starts = 0;
  bool closed = false;
};

inline std::string drive(Pop3Session& s, FakeShell& shell, std::string_view input, std::size_t chunk = 0) {
  std::string out;
  auto handle = [&](Output o) {
    for (int guard = 0; guard < 1000; ++guard) {
      out += o.bytes;
      if (o.close) shell.closed = true;
      if (!o.action) return;
      Action a = std::move(*o.action);
      if (std::holds_alternative<StartTls>(a)) {
        ++shell.tls_starts;
        o = s.tls_started();
        continue;
      }
      if (auto* r = std::get_if<ReadMessage>(&a)) {
        o = s.message_read(s.maildrop()->read(r->index));
        continue;
      }
      if (auto* c = std::get_if<CommitDeletions>(&a)) {
        o = s.deletions_committed(s.maildrop()->commit_deletions(c->indexes));
        continue;
      }
      auto& au = std::get<Authenticate>(a);
      shell.auths.push_back(au);
      auto it = shell.passwords.find(au.user);
      if (shell.rate_limited) {
        o = s.auth_result(AuthAnswer::failed(AuthAnswer::Kind::rate_limited));
      } else if (it == shell.passwords.end() || it->second != au.password) {
        o = s.auth_result(AuthAnswer::failed(AuthAnswer::Kind::bad_credentials));
      } else if (shell.locked) {
        o = s.auth_result(AuthAnswer::failed(AuthAnswer::Kind::locked));
      } else if (shell.temp_failure) {
        o = s.auth_result(AuthAnswer::failed(AuthAnswer::Kind::temporary_failure));
      } else {
        auto m = std::make_unique<MemoryMaildrop>(sample_bodies(), std::vector<std::string>{"uid-a", "uid-b", "uid-c"},
                                                  &shell.rec);
        m->fail_read = shell.fail_read;
        m->fail_commit = shell.fail_commit;
        o = s.auth_result(AuthAnswer::ok(std::move(m)));
      }
    }
  };
  if (chunk == 0) {
    handle(s.feed(input));
  } else {
    for (std::size_t i = 0; i < input.size(); i += chunk) handle(s.feed(input.substr(i, chunk)));
  }
  return out;
}

inline Pop3Config tls_config() {
  Pop3Config c;
  c.hostname = "pop.example.org";
  c.implicit_tls = true;
  return c;
}

inline Pop3Config plain_config() {
  Pop3Config c;
  c.hostname = "pop.example.org";
  c.tls_configured = true;
  return c;
}

}  // namespace hamail::mailsvc::pop3::test
