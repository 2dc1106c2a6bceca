#include "hamail/hacore/cli/heartbeat_import_command.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "hamail/base/result.h"
#include "hamail/hacore/config/heartbeat_import.h"

namespace hamail::hactl {
namespace {

const char* const kImportUsage =
    "usage: hactl config import-heartbeat HA_CF HARESOURCES [AUTHKEYS] [-o FILE [--force]]\n"
    "       (a Heartbeat v1 ha.cf and haresources, e.g. /etc/ha.d/ha.cf /etc/ha.d/haresources /etc/ha.d/authkeys;\n"
    "        prints cluster.yaml, or writes FILE: never over an existing one without --force)\n";

struct ImportArgs {
  std::vector<std::string> files;
  std::string output;
  bool force = false;
};

std::optional<ImportArgs> parse_args(const std::vector<std::string>& args, std::ostream& err) {
  ImportArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" || args[i] == "--output") {
      if (i + 1 == args.size()) {
        err << "hactl: " << args[i] << " needs a file name\n";
        return std::nullopt;
      }
      a.output = args[++i];
    } else if (args[i] == "--force") {
      a.force = true;
    } else if (!args[i].empty() && args[i][0] == '-') {
      err << "hactl: config import-heartbeat: unknown option " << args[i] << "\n";
      return std::nullopt;
    } else {
      a.files.push_back(args[i]);
    }
  }
  if (a.files.size() < 2 || a.files.size() > 3 || (a.force && a.output.empty())) return std::nullopt;
  return a;
}

// The file's text (at most one byte more than the import takes, so it can say "too large").
Result<config::HeartbeatFile> read_file(const std::string& path, std::optional<unsigned>* mode) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read: " + std::strerror(errno)};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Error{path + ": cannot read: it is a directory"};
  if (mode) *mode = static_cast<unsigned>(st.st_mode & 0777);
  std::string text(config::kHeartbeatMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Error{path + ": cannot read: " + std::strerror(errno)};
  text.resize(static_cast<std::size_t>(in.gcount()));
  return config::HeartbeatFile{path, std::move(text)};
}

// "wx": created here, never over an existing file (O_EXCL), unless --force.
Status write_output(const ImportArgs& a, const std::string& yaml) {
  std::FILE* f = std::fopen(a.output.c_str(), a.force ? "w" : "wx");
  if (!f && errno == EEXIST) return Error{a.output + ": exists; not overwritten (add --force to replace it)"};
  if (!f) return Error{a.output + ": cannot write: " + std::strerror(errno)};
  bool written = std::fwrite(yaml.data(), 1, yaml.size(), f) == yaml.size();
  if (std::fclose(f) != 0 || !written) return Error{a.output + ": cannot write: " + std::strerror(errno)};
  return Status::ok();
}

}  // namespace

int run_import_heartbeat(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto a = parse_args(args, err);
  if (!a) {
    err << kImportUsage;
    return 2;
  }
  config::HeartbeatInput in;
  std::optional<unsigned> mode;
  auto ha_cf = read_file(a->files[0], nullptr);
  auto haresources = read_file(a->files[1], nullptr);
  for (const auto* r : {&ha_cf, &haresources}) {
    if (!*r) {
      err << "hactl: " << r->error() << "\n";
      return 1;
    }
  }
  in.ha_cf = std::move(*ha_cf);
  in.haresources = std::move(*haresources);
  if (a->files.size() == 3) {
    auto authkeys = read_file(a->files[2], &mode);
    if (!authkeys) {
      err << "hactl: " << authkeys.error() << "\n";
      return 1;
    }
    in.authkeys = config::HeartbeatAuthkeys{std::move(*authkeys), mode};
  }
  auto result = config::import_heartbeat(in);
  if (!result) {
    err << "hactl: " << result.error() << "\n";
    return 1;
  }
  if (a->output.empty()) {
    out << result->yaml;
  } else if (auto w = write_output(*a, result->yaml); !w) {
    err << "hactl: " << w.message() << "\n";
    return 1;
  }
  err << result->notes.size() << " notes (each is also a comment in the YAML); check them, then `hactl config validate`:\n";
  for (const auto& n : result->notes) err << "  " << n.where << ": " << n.text << "\n";
  return 0;
}

}  // namespace hamail::hactl
