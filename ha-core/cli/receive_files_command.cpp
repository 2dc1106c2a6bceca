// `hactl cluster receive-files --for NODE [--check] [--force] [--root DIR] [--node NAME]`:
// the peer's side of `hactl cluster setup`, run through ssh. Refuses when this host is not
// NODE (ssh reached another machine, or the host name is not the node's name, which hacored
// needs), reads a file bundle from stdin (bounded), refuses when a cluster is set up here
// (unless --force); --check stops there, else it writes each file atomically. Never prints
// a file's content.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hamail/base/program_options.h"
#include "hamail/hacore/bootstrap/file_bundle.h"
#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/file_installer.h"

namespace hamail::hactl {
namespace {

// stdin up to `max` + 1 bytes (one more says "too large" to the decoder).
Result<std::string> read_stdin(std::size_t max) {
  std::string data;
  char buf[65536];
  while (data.size() <= max) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("reading stdin: ") + std::strerror(errno)};
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  return data;
}

}  // namespace

int run_receive_files(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto opts = take_cluster_options(args, {"--check", "--force", "--root", "--node", "--for"});
  if (!opts || !opts->rest.empty() || opts->for_node.empty()) {
    err << "hactl: cluster receive-files: " << (!opts ? opts.error() : opts->rest.empty() ? std::string("--for NODE is required") : "unexpected argument " + opts->rest[0]) << "\n"
        << "usage: hactl cluster receive-files --for NODE [--check] [--force] [--root DIR] [--node THIS_NODE]   (a file bundle on stdin; run by "
           "`hactl cluster setup` through ssh)\n";
    return 2;
  }
  std::string self = node_name_or_hostname(opts->node);
  if (self != opts->for_node) {
    err << "hactl: this host is named '" << self << "' (uname -n), not " << opts->for_node
        << ": the address reaches another machine, or the host name differs from the node's name (hacored needs "
           "them equal); nothing was written\n";
    return 1;
  }
  auto bytes = read_stdin(bootstrap::kMaxBundleBytes);
  if (!bytes) {
    err << "hactl: " << bytes.error() << "\n";
    return 1;
  }
  auto files = bootstrap::decode_bundle(*bytes);
  if (!files) {
    err << "hactl: " << files.error() << "\n";
    return 1;
  }
  FileInstaller here(opts->root);
  std::vector<std::string> blocking = here.blocking(*files);
  if (!blocking.empty() && !opts->force) {
    err << "hactl: " << cluster_exists_text(self, blocking) << "\n";
    return 1;
  }
  if (auto st = here.check_writable(*files); !st) {
    err << "hactl: " << st.message() << "\n";
    return 1;
  }
  if (opts->check) return 0;
  if (auto st = here.install(*files, out); !st) {
    err << "hactl: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace hamail::hactl
