// mailsvc-admin: manage the mail users, aliases and local domains (see users/admin.h).
#include <algorithm>
#include <iostream>

#include "hamail/base/version.h"

#include "hamail/mailsvc/users/admin.h"
#include "hamail/mailsvc/users/tty_prompt.h"

int main(int argc, char** argv) {
  using namespace hamail::mailsvc::users;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    std::cout << hamail::version_text("mailsvc-admin");
    return 0;
  }
  AdminIo io{std::cin, std::cout, std::cerr, prompt_secret_on_tty};
  return run_admin(args, io);
}
