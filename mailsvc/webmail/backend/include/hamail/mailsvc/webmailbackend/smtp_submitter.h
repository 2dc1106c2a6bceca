// webmail's MailSubmitter: a blocking SMTP client for one message on a pool thread, driving
// smtp::SmtpClientSession over a socket (OpenSSL for STARTTLS) to smtpd's submission port
// with AUTH PLAIN as the user; the whole exchange bounded by one deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "hamail/mailsvc/webmail/mail_submitter.h"

namespace hamail::mailsvc::webmailbackend {

enum class SubmissionTls { required, opportunistic, none };

struct SubmissionSettings {
  std::string host = "127.0.0.1";  // numeric address or name
  std::uint16_t port = 587;
  // required: STARTTLS with the server's certificate checked against the system's CAs and
  // `host`; opportunistic: STARTTLS when offered, unchecked. A loopback host: none unless
  // set otherwise (the password stays on the machine).
  SubmissionTls tls = SubmissionTls::required;
  std::string hostname = "localhost";  // EHLO and the domain of Message-IDs
  std::int64_t timeout_ms = 60000;     // connect to the final reply
};

// "127.0.0.1:587", "[::1]:587", "mail.example.org:587" -> host and port; nullopt if bad.
std::optional<std::pair<std::string, std::uint16_t>> parse_endpoint(const std::string& text);
bool is_loopback(const std::string& host);

class SmtpSubmitter : public webmail::MailSubmitter {
 public:
  explicit SmtpSubmitter(SubmissionSettings settings) : settings_(std::move(settings)) {}
  std::string hostname() const override { return settings_.hostname; }
  webmail::SubmitReply submit(const std::string& user, const webmail::SecretText& password,
                              const std::string& mail_from, const std::vector<std::string>& recipients,
                              const std::string& message) override;

 private:
  SubmissionSettings settings_;
};

}  // namespace hamail::mailsvc::webmailbackend
