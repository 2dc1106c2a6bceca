#include "hamail/mailsvc/users/tty_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::users {

Result<std::string> prompt_secret_on_tty(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Error{std::string("no terminal to ask for the password (open /dev/tty: ") + std::strerror(errno) +
                 "): use --password-stdin"};
  }
  struct termios old {};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    struct termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string secret;
  char c;
  bool too_long = false;
  while (true) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    if (secret.size() <= kMaxPasswordBytes) secret += c;
    else too_long = true;
  }
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  ::close(fd);
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (too_long || secret.size() > kMaxPasswordBytes) {
    return Error{"password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes"};
  }
  return secret;
}

}  // namespace hamail::mailsvc::users
