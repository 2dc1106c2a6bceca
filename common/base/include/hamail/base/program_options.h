// What every daemon's main() shares: its options (--name VALUE and --switch, each declared
// once with its help, so usage never drifts from what is parsed), this node's name
// (--node, else the host name) and where its log goes. Errors name the option.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/base/result.h"

namespace hamail {

class ProgramOptions {
 public:
  ProgramOptions(std::string program, std::string summary);

  // `--name VALUE` into *dst (its current content is the default shown in usage).
  void value(std::string name, std::string* dst, std::string meta, std::string help);
  // `--name` sets *dst to true.
  void flag(std::string name, bool* dst, std::string help);

  // Reads argv[1..]: an unknown option, a missing value or a stray argument is an error
  // naming it. `--help` / `-h` set help_requested(), `--version` version_requested(), and stop.
  Status parse(int argc, const char* const* argv);
  bool help_requested() const { return help_; }
  bool version_requested() const { return version_; }
  std::string usage() const;
  const std::string& program() const { return program_; }

 private:
  struct Option {
    std::string name, meta, help;
    std::string* value = nullptr;
    bool* flag = nullptr;
  };
  std::string program_, summary_;
  std::vector<Option> options_;
  bool help_ = false;
  bool version_ = false;
};

// Parses the options; on --help prints usage (on --version version_text()) to stdout and
// returns 0; on an error prints
// "PROGRAM: ERROR" and the usage to stderr and returns 2; otherwise returns -1 (go on).
int parse_or_exit_code(ProgramOptions& options, int argc, const char* const* argv);

// This node's name: `explicit_name` when given, else the host name.
std::string node_name_or_hostname(const std::string& explicit_name);

// Also appends the log to `path` (creating its directory): empty path = stderr only.
Status add_log_file(Logger& log, const std::string& path);

}  // namespace hamail
