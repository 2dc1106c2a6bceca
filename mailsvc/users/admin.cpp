#include "hamail/mailsvc/users/admin.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <istream>
#include <optional>
#include <ostream>
#include <variant>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/users/address.h"
#include "hamail/mailsvc/users/password_hash.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::users {

namespace {

constexpr mode_t kFileMode = 0640;

struct Options {
  std::string dir;
  bool password_stdin = false;
  std::optional<Scheme> scheme;
  std::string uid, gid, home;
  std::vector<std::string> words;  // object verb args...
};

struct UsageError {
  std::string message;
};

// Parses options anywhere on the line; an error is a usage error (exit 2).
std::variant<Options, UsageError> parse_args(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name, std::string& dst) -> std::optional<UsageError> {
      if (a.rfind(name + "=", 0) == 0) {
        dst = a.substr(name.size() + 1);
        return std::nullopt;
      }
      if (i + 1 >= args.size()) return UsageError{name + " needs a value"};
      dst = args[++i];
      return std::nullopt;
    };
    auto is = [&](const std::string& name) { return a == name || a.rfind(name + "=", 0) == 0; };
    if (a == "--password-stdin") {
      o.password_stdin = true;
    } else if (a.rfind("--password", 0) == 0 || a.rfind("--pass", 0) == 0 || a == "-p") {
      return UsageError{"refusing '" + a.substr(0, a.find('=')) +
                        "': a password on the command line is visible to every user (ps, /proc, shell history); "
                        "use --password-stdin or the prompt"};
    } else if (is("--dir")) {
      if (auto e = value("--dir", o.dir)) return *e;
    } else if (is("--scheme")) {
      std::string s;
      if (auto e = value("--scheme", s)) return *e;
      o.scheme = scheme_from_cli(s);
      if (!o.scheme) return UsageError{"unknown scheme '" + s + "' (SHA512-CRYPT, BLF-CRYPT or YESCRYPT)"};
    } else if (is("--uid")) {
      if (auto e = value("--uid", o.uid)) return *e;
    } else if (is("--gid")) {
      if (auto e = value("--gid", o.gid)) return *e;
    } else if (is("--home")) {
      if (auto e = value("--home", o.home)) return *e;
    } else if (a.size() > 1 && a[0] == '-') {
      return UsageError{"unknown option '" + a + "'"};
    } else {
      o.words.push_back(a);
    }
  }
  if (o.dir.empty()) return UsageError{"--dir DIR is required"};
  if (o.words.size() < 2) return UsageError{"expected a command"};
  return o;
}

// Reads one line from in, at most kMaxPasswordBytes.
Result<std::string> read_password_line(std::istream& in) {
  std::string pw;
  char c;
  while (in.get(c)) {
    if (c == '\n') break;
    if (pw.size() > kMaxPasswordBytes) {
      return Error{"password on stdin is longer than " + std::to_string(kMaxPasswordBytes) + " bytes"};
    }
    pw += c;
  }
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (pw.size() > kMaxPasswordBytes) {
    return Error{"password on stdin is longer than " + std::to_string(kMaxPasswordBytes) + " bytes"};
  }
  return pw;
}

class Admin {
 public:
  Admin(Options o, AdminIo& io) : o_(std::move(o)), io_(io), paths_(o_.dir) {}

  Status run() {
    struct stat st {};
    if (::stat(o_.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Error{"user database directory " + o_.dir + " does not exist"};
    }
    int lock = ::open(paths_.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return store::sys_error("open", paths_.lock(), errno);
    int rc;
    do rc = ::flock(lock, LOCK_EX);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      Error e = store::sys_error("lock", paths_.lock(), errno);
      ::close(lock);
      return e;
    }
    Status s = dispatch();
    ::close(lock);
    return s;
  }

 private:
  Status dispatch() {
    auto db = UserDb::load(o_.dir);
    if (!db) return Error{db.error()};
    db_ = std::move(*db);
    const std::string& object = o_.words[0];
    const std::string& verb = o_.words[1];
    std::size_t argc = o_.words.size() - 2;
    auto need = [&](std::size_t lo, std::size_t hi) -> Status {
      if (argc < lo || argc > hi) return Error{"usage: " + object + " " + verb + ": wrong number of arguments"};
      return Status::ok();
    };
    Status s = Status::ok();
    if (object == "user" && verb == "list") return (s = need(0, 0)) ? user_list() : s;
    if (object == "user" && verb == "add") return (s = need(1, 1)) ? user_add(o_.words[2]) : s;
    if (object == "user" && verb == "del") return (s = need(1, 1)) ? user_del(o_.words[2]) : s;
    if (object == "user" && verb == "passwd") return (s = need(1, 1)) ? user_passwd(o_.words[2]) : s;
    if (object == "alias" && verb == "list") return (s = need(0, 0)) ? alias_list() : s;
    if (object == "alias" && verb == "add") return (s = need(2, 1000)) ? alias_add() : s;
    if (object == "alias" && verb == "del") return (s = need(1, 2)) ? alias_del() : s;
    if (object == "domain" && verb == "list") return (s = need(0, 0)) ? domain_list() : s;
    if (object == "domain" && verb == "add") return (s = need(1, 1)) ? domain_add(o_.words[2]) : s;
    if (object == "domain" && verb == "del") return (s = need(1, 1)) ? domain_del(o_.words[2]) : s;
    return Error{"unknown command '" + object + " " + verb + "'"};
  }

  Result<std::string> new_password() {
    Result<std::string> pw = std::string();
    if (o_.password_stdin) {
      pw = read_password_line(io_.in);
      if (!pw) return pw;
    } else {
      if (!io_.prompt_secret) return Error{"no terminal to ask for the password: use --password-stdin"};
      pw = io_.prompt_secret("New password: ");
      if (!pw) return pw;
      auto again = io_.prompt_secret("Retype new password: ");
      if (!again) return again;
      bool same = *again == *pw;
      explicit_bzero(again->data(), again->size());
      if (!same) return Error{"the two passwords do not match"};
    }
    if (pw->empty()) return Error{"empty password refused"};
    return pw;
  }

  Result<std::string> hashed_password() {
    Scheme scheme = o_.scheme.value_or(Scheme::Sha512Crypt);
    if (Status s = scheme_available(scheme); !s) return Error{s.message()};
    auto pw = new_password();
    if (!pw) return pw;
    auto h = hash_password(scheme, *pw);
    explicit_bzero(pw->data(), pw->size());
    return h;
  }

  Result<std::string> local_address(const std::string& arg) {
    auto a = normalize_address(arg);
    if (!a) return a;
    std::string d(domain_of(*a));
    if (!db_.domains.contains(d)) {
      return Error{"domain '" + d + "' is not a local domain (add it first: mailsvc-admin --dir " + o_.dir +
                   " domain add " + d + ")"};
    }
    return a;
  }

  Status save_users() { return store::replace_file_atomically(paths_.passwd(), db_.users.serialize(), kFileMode); }
  Status save_aliases() {
    return store::replace_file_atomically(paths_.aliases(), db_.aliases.serialize(), kFileMode);
  }
  Status save_domains() {
    return store::replace_file_atomically(paths_.domains(), db_.domains.serialize(), kFileMode);
  }

  Status user_list() {
    for (const PasswdEntry* e : db_.users.entries()) io_.out << e->user << " " << scheme_of(e->password) << "\n";
    return Status::ok();
  }

  Status user_add(const std::string& arg) {
    auto a = local_address(arg);
    if (!a) return Error{a.error()};
    if (db_.users.find(*a)) return Error{"user '" + *a + "' already exists"};
    for (const auto* f : {&o_.uid, &o_.gid}) {
      if (!f->empty() && f->find_first_not_of("0123456789") != std::string::npos) {
        return Error{"--uid/--gid '" + *f + "' is not a number"};
      }
    }
    if (!o_.home.empty() && (o_.home[0] != '/' || o_.home.find(':') != std::string::npos)) {
      return Error{"--home '" + o_.home + "' must be an absolute path without ':'"};
    }
    auto h = hashed_password();
    if (!h) return Error{h.error()};
    PasswdEntry e{*a, *h, o_.uid, o_.gid, "", o_.home, "", ""};
    if (Status s = db_.users.add(std::move(e)); !s) return s;
    if (Status s = save_users(); !s) return s;
    io_.out << "user " << *a << " added (" << scheme_of(*h) << ")\n";
    return Status::ok();
  }

  Status user_del(const std::string& arg) {
    auto a = normalize_address(arg);
    if (!a) return Error{a.error()};
    if (Status s = db_.users.remove(*a); !s) return s;
    if (Status s = save_users(); !s) return s;
    io_.out << "user " << *a << " removed (its mailbox is kept)\n";
    return Status::ok();
  }

  Status user_passwd(const std::string& arg) {
    auto a = normalize_address(arg);
    if (!a) return Error{a.error()};
    if (!db_.users.find(*a)) return Error{"no user '" + *a + "'"};
    auto h = hashed_password();
    if (!h) return Error{h.error()};
    if (Status s = db_.users.set_password(*a, *h); !s) return s;
    if (Status s = save_users(); !s) return s;
    io_.out << "password of " << *a << " changed (" << scheme_of(*h) << ")\n";
    return Status::ok();
  }

  Status alias_list() {
    io_.out << db_.aliases.serialize();
    return Status::ok();
  }

  Status alias_add() {
    auto a = local_address(o_.words[2]);
    if (!a) return Error{a.error()};
    std::vector<std::string> targets;
    for (std::size_t i = 3; i < o_.words.size(); ++i) {
      // "a@x,b@y" and "a@x b@y" both work.
      std::string_view rest = o_.words[i];
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        if (!item.empty()) {
          auto t = normalize_address(item);
          if (!t) return Error{"bad target: " + t.error()};
          targets.push_back(*t);
        }
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    }
    if (Status s = db_.aliases.add(*a, targets); !s) return s;
    // Refuse to write an alias set that loops.
    if (auto x = db_.aliases.expand(*a); !x) return Error{"not added: " + x.error()};
    if (Status s = save_aliases(); !s) return s;
    io_.out << "alias " << *a << " -> ";
    const AliasEntry* e = db_.aliases.find(*a);
    for (std::size_t i = 0; i < e->targets.size(); ++i) io_.out << (i ? ", " : "") << e->targets[i];
    io_.out << "\n";
    return Status::ok();
  }

  Status alias_del() {
    auto a = normalize_address(o_.words[2]);
    if (!a) return Error{a.error()};
    std::string target;
    if (o_.words.size() > 3) {
      auto t = normalize_address(o_.words[3]);
      if (!t) return Error{t.error()};
      target = *t;
    }
    if (Status s = db_.aliases.remove(*a, target); !s) return s;
    if (Status s = save_aliases(); !s) return s;
    io_.out << (target.empty() ? "alias " + *a + " removed\n" : "target " + target + " removed from " + *a + "\n");
    return Status::ok();
  }

  Status domain_list() {
    io_.out << db_.domains.serialize();
    return Status::ok();
  }

  Status domain_add(const std::string& arg) {
    auto d = normalize_domain(arg);
    if (!d) return Error{d.error()};
    if (Status s = db_.domains.add(*d); !s) return s;
    if (Status s = save_domains(); !s) return s;
    io_.out << "domain " << *d << " added\n";
    return Status::ok();
  }

  Status domain_del(const std::string& arg) {
    auto d = normalize_domain(arg);
    if (!d) return Error{d.error()};
    std::size_t users = 0, aliases = 0;
    for (const PasswdEntry* e : db_.users.entries()) users += domain_of(e->user) == *d ? 1 : 0;
    for (const AliasEntry& e : db_.aliases.entries()) aliases += domain_of(e.alias) == *d ? 1 : 0;
    if (users + aliases > 0) {
      return Error{"domain '" + *d + "' still has " + std::to_string(users) + " user(s) and " +
                   std::to_string(aliases) + " alias(es): remove them first"};
    }
    if (Status s = db_.domains.remove(*d); !s) return s;
    if (Status s = save_domains(); !s) return s;
    io_.out << "domain " << *d << " removed\n";
    return Status::ok();
  }

  Options o_;
  AdminIo& io_;
  UserDbPaths paths_;
  UserDb db_;
};

}  // namespace

std::string admin_usage() {
  return "Usage: mailsvc-admin --dir DIR COMMAND\n"
         "  user list | user add ADDRESS [--scheme SHA512-CRYPT|BLF-CRYPT|YESCRYPT] [--uid N] [--gid N]\n"
         "  [--home PATH] | user del ADDRESS | user passwd ADDRESS [--scheme S]\n"
         "  alias list | alias add ALIAS TARGET... | alias del ALIAS [TARGET]\n"
         "  domain list | domain add DOMAIN | domain del DOMAIN\n"
         "passwords: asked twice on the terminal, or one line from stdin with --password-stdin\n"
         "mailsvc-admin --help prints this help, mailsvc-admin --version the version.\n";
}

int run_admin(const std::vector<std::string>& args, AdminIo& io) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      io.out << admin_usage();
      return 0;
    }
  }
  auto parsed = parse_args(args);
  if (auto* u = std::get_if<UsageError>(&parsed)) {
    io.err << "mailsvc-admin: " << u->message << "\n" << admin_usage();
    return 2;
  }
  Admin admin(std::move(std::get<Options>(parsed)), io);
  Status s = admin.run();
  if (!s) {
    io.err << "mailsvc-admin: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace hamail::mailsvc::users
