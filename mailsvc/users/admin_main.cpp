// mailsvc-admin: manage the mail users, aliases and local domains (see users/admin.h).
#include <iostream>

#include "hamail/mailsvc/users/admin.h"
#include "hamail/mailsvc/users/tty_prompt.h"

int main(int argc, char** argv) {
  using namespace hamail::mailsvc::users;
  std::vector<std::string> args(argv + 1, argv + argc);
  AdminIo io{std::cin, std::cout, std::cerr, prompt_secret_on_tty};
  return run_admin(args, io);
}
