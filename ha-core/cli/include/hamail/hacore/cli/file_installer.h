// Writes a bootstrap plan's files under a root directory ("/" on a node; a test's temp
// directory or an image being prepared with --root): each one atomically (a temp file in
// the same directory with the final mode, fsync, rename, fsync of the directory), and says
// which existing files mean that a cluster is already set up there.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/bootstrap/bootstrap_plan.h"

namespace hamail::hactl {

class FileInstaller {
 public:
  explicit FileInstaller(std::string root) : root_(std::move(root)) {}

  // Where `path` (absolute) is on this machine: root + path.
  std::string on_disk(const std::string& path) const;
  // The planned paths that refuse the setup here without --force (bootstrap::blocking_files
  // on what is on disk; cluster.yaml as the package installs it blocks nothing).
  std::vector<std::string> blocking(const std::vector<bootstrap::PlannedFile>& files) const;
  // Whether each file's directory (or its nearest existing ancestor, to be created) is
  // writable here: checked before anything is written anywhere. The error names it.
  Status check_writable(const std::vector<bootstrap::PlannedFile>& files) const;
  // Writes every file in order, each line of `out` naming one (path and mode, never content);
  // stops at the first that fails, naming it.
  Status install(const std::vector<bootstrap::PlannedFile>& files, std::ostream& out) const;

 private:
  bootstrap::ExistingState state_of(const std::string& path) const;
  std::string root_;
};

}  // namespace hamail::hactl
