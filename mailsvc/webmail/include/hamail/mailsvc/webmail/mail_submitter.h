// How webmail hands a composed message to smtpd's submission port as the logged-in user
// (EHLO, STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA): the shell's blocking client runs it on the
// pool within a timeout; the core's tests fake it. The server's reply comes back as is.
#pragma once

#include <string>
#include <vector>

#include "hamail/mailsvc/webmail/secret_text.h"

namespace hamail::mailsvc::webmail {

struct SubmitReply {
  bool accepted = false;  // 250 after the data: every recipient taken
  int code = 0;           // the deciding reply's code (0: no reply, e.g. no connection)
  std::string text;       // "550 5.1.1 no such user" or what failed locally; never the password
};

class MailSubmitter {
 public:
  virtual ~MailSubmitter() = default;
  // The domain of Message-IDs ("<token@hostname>").
  virtual std::string hostname() const = 0;
  virtual SubmitReply submit(const std::string& user, const SecretText& password, const std::string& mail_from,
                             const std::vector<std::string>& recipients, const std::string& message) = 0;
};

}  // namespace hamail::mailsvc::webmail
