// Log lines as smtpd and pop3d write them, for the trace tests.
#pragma once

#include <string>

namespace hamail::mailsvc::trace::testing {

inline std::string queued(const std::string& ts, const std::string& id, const std::string& mid,
                          const std::string& from, const std::string& to) {
  return "ts=" + ts + " level=info component=smtpd event=queued queue_id=" + id + " message_id=" + mid +
         " from=" + from + " to=" + to + " status=queued size=321 client=192.0.2.7 auth_user=\"\" tls=true";
}

inline std::string delivered_local(const std::string& ts, const std::string& id, const std::string& mid,
                                   const std::string& from, const std::string& to, const std::string& file) {
  return "ts=" + ts + " level=info component=smtpd event=delivered queue_id=" + id + " message_id=" + mid +
         " from=" + from + " to=" + to + " status=delivered relay=local file=" + file;
}

inline std::string deferred_remote(const std::string& ts, const std::string& id, const std::string& to) {
  return "ts=" + ts + " level=warning component=smtpd event=deferred queue_id=" + id +
         " message_id=<m@x> from=a@example.org to=" + to +
         " status=deferred relay=mx.remote.test stage=rcpt reply=\"451 4.3.0 Try again later\"";
}

inline std::string retrieved(const std::string& ts, const std::string& user, const std::string& file) {
  return "ts=" + ts + " level=info component=pop3d event=message_read session=s1 user=" + user +
         " uidl=1.1 size=321 file=" + file + ":2,S";
}

}  // namespace hamail::mailsvc::trace::testing
