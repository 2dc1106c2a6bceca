#include "hamail/hacore/bootstrap/bootstrap_plan.h"

#include "hamail/base/invariant.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/corosync_conf.h"
#include "setup_cluster_yaml.h"

namespace hamail::bootstrap {
namespace {

// The secret file's text: the hex digits of `bytes` and a newline. drbd-lite's read_secret_file
// takes the file's bytes minus trailing whitespace as the secret; hex keeps it printable.
std::string hex_line(const std::string& bytes) { return hex_text(bytes) + "\n"; }

Result<std::string> draw(const RandomBytes& random, std::size_t n) {
  auto bytes = random(n);
  if (!bytes) return Error{"cannot draw random bytes for the keys: " + bytes.error()};
  HAMAIL_INVARIANT(bytes->size() == n, "the random source returned another number of bytes than asked for");
  return bytes;
}

}  // namespace

std::string octal_mode(unsigned mode) {
  std::string s = "0000";
  for (int i = 3; i >= 0; --i, mode >>= 3) s[static_cast<std::size_t>(i)] = static_cast<char>('0' + (mode & 7));
  return s;
}

std::string hex_text(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

Result<BootstrapPlan> make_bootstrap_plan(const SetupRequest& request, const RandomBytes& random) {
  std::string yaml = render_setup_cluster_yaml(request);
  config::ConfigLoad load = config::parse_cluster_config(yaml, kClusterYamlPath);
  if (!load.config) {
    std::string e = load.errors.empty() ? "no config" : load.errors[0].to_string();
    return Error{"the cluster.yaml this setup would write does not load: " + e};
  }
  BootstrapPlan plan;
  plan.cluster_yaml_path = kClusterYamlPath;
  auto authkey = draw(random, kAuthkeyBytes);
  if (!authkey) return Error{authkey.error()};
  plan.files.push_back({kAuthkeyPath, 0400, std::move(*authkey), OnExisting::keep});
  for (const auto& v : request.volumes) {
    auto secret = draw(random, kSecretBytes);
    if (!secret) return Error{secret.error()};
    plan.files.push_back({secret_path(v.name), 0600, hex_line(*secret), OnExisting::keep});
  }
  plan.files.push_back({kCorosyncConfPath, 0644, config::render_corosync_conf(*load.config), OnExisting::replace});
  plan.files.push_back({kClusterYamlPath, 0644, std::move(yaml), OnExisting::keep_unless_example});
  return plan;
}

std::vector<std::string> blocking_files(const std::vector<PlannedFile>& files,
                                        const std::function<ExistingState(const std::string&)>& state_of) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    if (f.on_existing == OnExisting::replace) continue;
    ExistingState s = state_of(f.path);
    bool blocks = s == ExistingState::other ||
                  (s == ExistingState::packaged_example && f.on_existing == OnExisting::keep);
    if (blocks) out.push_back(f.path);
  }
  return out;
}

}  // namespace hamail::bootstrap
