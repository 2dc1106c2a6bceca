#include "hamail/hacore/cli/file_installer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace hamail::hactl {
namespace {

// SHA-256 of conf/cluster.yaml, the example the hamail-cluster package installs as
// /etc/hamail/cluster.yaml (computed by CMake, see CMakeLists.txt).
constexpr const char* kExampleSha256 = HAMAIL_EXAMPLE_CLUSTER_YAML_SHA256;

std::string sha256_hex_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data(std::size_t(1) << 20, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad() || in.gcount() == static_cast<std::streamsize>(data.size())) return "";  // unreadable, or no example
  data.resize(static_cast<std::size_t>(in.gcount()));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr) != 1) return "";
  return bootstrap::hex_text(std::string_view(reinterpret_cast<const char*>(md), n));
}

Error write_error(const std::string& path, const std::string& what, int e) {
  return Error{path + ": cannot " + what + ": " + std::strerror(e)};
}

Status write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::strerror(errno)};
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status fsync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return write_error(dir, "open the directory", errno);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return write_error(dir, "fsync the directory", e);
  return Status::ok();
}

// A temp file beside `target` with the final mode, the content, fsync, rename, fsync of the directory.
Status write_atomically(const std::string& target, unsigned mode, const std::string& content) {
  std::filesystem::path p(target);
  std::error_code ec;
  std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return Error{p.parent_path().string() + ": cannot create the directory: " + ec.message()};
  std::string tmp = (p.parent_path() / ("." + p.filename().string() + ".hamail-XXXXXX")).string();
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return write_error(target, "create a temporary file beside it", errno);
  Status st = ::fchmod(fd, mode) == 0 ? write_all(fd, content) : Error{std::strerror(errno)};
  if (st && ::fsync(fd) != 0) st = Error{std::strerror(errno)};
  if (::close(fd) != 0 && st) st = Error{std::strerror(errno)};
  if (st && ::rename(tmp.c_str(), target.c_str()) != 0) st = Error{std::strerror(errno)};
  if (!st) {
    ::unlink(tmp.c_str());
    return Error{target + ": cannot write: " + st.message()};
  }
  return fsync_directory(p.parent_path().string());
}

}  // namespace

std::string FileInstaller::on_disk(const std::string& path) const {
  if (root_.empty() || root_ == "/") return path;
  return (std::filesystem::path(root_) / std::filesystem::path(path).relative_path()).string();
}

bootstrap::ExistingState FileInstaller::state_of(const std::string& path) const {
  struct stat st {};
  std::string file = on_disk(path);
  if (::lstat(file.c_str(), &st) != 0 && errno == ENOENT) return bootstrap::ExistingState::absent;
  if (S_ISREG(st.st_mode) && sha256_hex_of_file(file) == kExampleSha256) return bootstrap::ExistingState::packaged_example;
  return bootstrap::ExistingState::other;
}

std::vector<std::string> FileInstaller::blocking(const std::vector<bootstrap::PlannedFile>& files) const {
  return bootstrap::blocking_files(files, [this](const std::string& p) { return state_of(p); });
}

Status FileInstaller::check_writable(const std::vector<bootstrap::PlannedFile>& files) const {
  for (const auto& f : files) {
    std::filesystem::path dir = std::filesystem::path(on_disk(f.path)).parent_path();
    std::error_code ec;
    while (!std::filesystem::exists(dir, ec) && dir.has_relative_path()) dir = dir.parent_path();
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      return Error{dir.string() + ": cannot write there (" + std::strerror(errno) + "): run as root, or give --root DIR"};
  }
  return Status::ok();
}

Status FileInstaller::install(const std::vector<bootstrap::PlannedFile>& files, std::ostream& out) const {
  for (const auto& f : files) {
    if (auto st = write_atomically(on_disk(f.path), f.mode, f.content); !st) return st;
    out << "  " << f.path << " (" << bootstrap::octal_mode(f.mode) << ")\n";
  }
  return Status::ok();
}

}  // namespace hamail::hactl
