#include "hamail/mailsvc/imap/capabilities.h"

namespace hamail::mailsvc::imap {

std::string capability_list(const CapabilityContext& context) {
  std::string out = "IMAP4rev1 IMAP4rev2";
  if (!context.authenticated) {
    if (context.starttls_offered) out += " STARTTLS";
    out += context.plaintext_allowed ? " AUTH=PLAIN" : " LOGINDISABLED";
  }
  out +=
      " LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN SPECIAL-USE CREATE-SPECIAL-USE"
      " LIST-EXTENDED LIST-STATUS CONDSTORE QRESYNC ESEARCH SEARCHRES SORT THREAD=REFERENCES THREAD=ORDEREDSUBJECT"
      " BINARY";
  // RFC 4978 4: not advertised once compression is active.
  if (context.authenticated && !context.compression_active) out += " COMPRESS=DEFLATE";
  return out;
}

}  // namespace hamail::mailsvc::imap
