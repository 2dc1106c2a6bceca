// Opening files strictly under a document root: openat2(2) with RESOLVE_BENEATH and
// RESOLVE_NO_MAGICLINKS, so ".." and symlinks may move inside the root but never out of
// it (the kernel refuses with EXDEV), whatever the path's text says.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/http/response.h"

namespace hamail::mailsvc::httpd {

// An open file descriptor, closed when the last holder lets go; the session passes it on
// to the connection as the body of a response.
class FdFile : public http::OpenFile {
 public:
  explicit FdFile(int fd) : fd_(fd) {}
  ~FdFile() override;
  FdFile(const FdFile&) = delete;
  FdFile& operator=(const FdFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

enum class OpenError { not_found, forbidden, escapes, failed };

struct Opened {
  std::shared_ptr<FdFile> file;
  struct stat st {};
};

class BeneathRoot {
 public:
  // The root directory opened once (O_PATH); later renames of its path do not matter.
  static Result<BeneathRoot> open(const std::string& root);
  BeneathRoot(BeneathRoot&& other) noexcept;
  BeneathRoot& operator=(BeneathRoot&&) = delete;
  ~BeneathRoot();

  // `relative` ("docs/a.html", "" for the root itself) opened read-only, with its stat.
  struct Outcome {
    std::optional<Opened> opened;
    OpenError error = OpenError::failed;
  };
  Outcome open_file(const std::string& relative) const;

 private:
  explicit BeneathRoot(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace hamail::mailsvc::httpd
