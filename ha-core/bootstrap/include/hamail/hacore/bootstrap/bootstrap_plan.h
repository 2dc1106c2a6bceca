// BootstrapPlan: every file a new cluster needs, identical on both nodes (cluster.yaml,
// corosync.conf, the corosync authkey, each volume's drbd-lite secret), with its path, mode
// and content. Sans-IO: randomness comes in through RandomBytes, files go out as values;
// hactl's shell writes them (here and, through ssh, on the peer).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/bootstrap/setup_request.h"

namespace hamail::bootstrap {

// What an existing file at a planned path means.
enum class OnExisting {
  replace,              // generated from the others (corosync.conf): written over
  keep_unless_example,  // cluster.yaml: an existing one is a cluster, unless it is the packaged example
  keep,                 // keys: an existing one is a cluster
};

struct PlannedFile {
  std::string path;  // absolute
  unsigned mode = 0644;
  std::string content;
  OnExisting on_existing = OnExisting::keep;
};

struct BootstrapPlan {
  std::string cluster_yaml_path;  // where cluster.yaml goes (files holds it too)
  std::vector<PlannedFile> files;  // in writing order: keys first, cluster.yaml last
};

// n random bytes (getrandom in hactl; a fixed sequence in tests), or why there are none.
using RandomBytes = std::function<Result<std::string>(std::size_t n)>;

inline constexpr const char* kClusterYamlPath = "/etc/hamail/cluster.yaml";
inline constexpr const char* kCorosyncConfPath = "/etc/corosync/corosync.conf";
inline constexpr std::size_t kAuthkeyBytes = 256;  // corosync-keygen's default (it accepts 128 to 4096)
inline constexpr std::size_t kSecretBytes = 32;    // drawn per volume; written as 64 hex digits

// The files for `request`. An error: the random source failed, or the generated
// cluster.yaml would not load (an input the request parser let through; it names the key).
Result<BootstrapPlan> make_bootstrap_plan(const SetupRequest& request, const RandomBytes& random);

// What is at a planned path now.
enum class ExistingState { absent, packaged_example, other };

// The planned paths whose existing file means "a cluster is set up here" (refuse without
// --force), in plan order. `state_of` is asked only about the paths whose rule needs it.
std::vector<std::string> blocking_files(const std::vector<PlannedFile>& files,
                                        const std::function<ExistingState(const std::string&)>& state_of);

// "0400": a mode as 4 octal digits (the bundle's form, and every message's).
std::string octal_mode(unsigned mode);
// Lowercase hex digits of `bytes` (the volume secrets; digests).
std::string hex_text(std::string_view bytes);

}  // namespace hamail::bootstrap
