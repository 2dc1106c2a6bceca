#include "hamail/base/program_options.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "hamail/base/version.h"

namespace hamail {

ProgramOptions::ProgramOptions(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void ProgramOptions::value(std::string name, std::string* dst, std::string meta, std::string help) {
  options_.push_back(Option{std::move(name), std::move(meta), std::move(help), dst, nullptr});
}

void ProgramOptions::flag(std::string name, bool* dst, std::string help) {
  options_.push_back(Option{std::move(name), "", std::move(help), nullptr, dst});
}

Status ProgramOptions::parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      return Status::ok();
    }
    if (arg == "--version") {
      version_ = true;
      return Status::ok();
    }
    const Option* opt = nullptr;
    for (const auto& o : options_)
      if (arg == "--" + o.name) opt = &o;
    if (!opt) {
      if (arg.rfind("-", 0) == 0) return Error{"unknown option '" + arg + "'"};
      return Error{"unexpected argument '" + arg + "'"};
    }
    if (opt->flag) {
      *opt->flag = true;
      continue;
    }
    if (i + 1 >= argc) return Error{"--" + opt->name + " needs " + opt->meta};
    *opt->value = argv[++i];
  }
  return Status::ok();
}

std::string ProgramOptions::usage() const {
  std::string u = "Usage: " + program_;
  for (const auto& o : options_) u += " [--" + o.name + (o.flag ? "" : " " + o.meta) + "]";
  u += "\n" + summary_ + "\n";
  for (const auto& o : options_) {
    std::string left = "  --" + o.name + (o.flag ? "" : " " + o.meta);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "  ";
    u += left + o.help;
    if (o.value && !o.value->empty()) u += " (default " + *o.value + ")";
    u += "\n";
  }
  u += "  --help                    print this help and exit\n";
  u += "  --version                 print the version and exit\n";
  return u;
}

int parse_or_exit_code(ProgramOptions& options, int argc, const char* const* argv) {
  Status st = options.parse(argc, argv);
  if (!st) {
    std::cerr << options.program() << ": " << st.message() << "\n" << options.usage();
    return 2;
  }
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (options.version_requested()) {
    std::cout << version_text(options.program());
    return 0;
  }
  return -1;
}

std::string node_name_or_hostname(const std::string& explicit_name) {
  if (!explicit_name.empty()) return explicit_name;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "";
  return host;
}

Status add_log_file(Logger& log, const std::string& path) {
  if (path.empty()) return Status::ok();
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::string err;
  if (!log.add_file(path, &err)) return Error{err};
  return Status::ok();
}

}  // namespace hamail
