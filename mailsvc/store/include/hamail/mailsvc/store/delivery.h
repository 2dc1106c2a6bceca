// One message being delivered: its bytes go to tmp/<unique name>; commit() fsyncs the
// file, renames it into new/ (never over an existing file) and fsyncs new/, so the
// message is visible only when complete and durable. Destroying it uncommitted removes tmp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::store {

class Delivery {
 public:
  Delivery(std::string maildir, std::string name, int fd);
  Delivery(Delivery&& o) noexcept;
  Delivery& operator=(Delivery&& o) noexcept;
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery();

  Status write(std::string_view data);
  // Returns the file name in new/. After commit (ok or not) the object is spent.
  Result<std::string> commit();
  // IMAP APPEND: straight into cur/ as "<name>:2,<letters>" (letters sorted); returns that name.
  Result<std::string> commit_to_cur(std::string_view letters);
  // The file's mtime (the IMAP internal date), set before commit.
  Status set_mtime(std::int64_t unix_seconds);
  void abort();

  std::string tmp_path() const { return maildir_ + "/tmp/" + name_; }
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  Result<std::string> commit_as(const std::string& subdir, const std::string& name);

  std::string maildir_;
  std::string name_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
};

}  // namespace hamail::mailsvc::store
