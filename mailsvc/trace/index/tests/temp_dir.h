// A temporary directory for one test, removed with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace hamail::mailsvc::traceindex::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "trace-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void append(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::app | std::ios::binary) << text;
  }

 private:
  std::string path_;
};

}  // namespace hamail::mailsvc::traceindex::testing
