#include "hamail/mailsvc/smtp/recipient_policy.h"

namespace hamail::mailsvc::smtp {

RecipientVerdict recipient_policy(PortRole role, bool authenticated, bool local_domain, bool local_user_exists) {
  if (local_domain) return local_user_exists ? RecipientVerdict::ok : RecipientVerdict::unknown_user;
  if (role != PortRole::mx && authenticated) return RecipientVerdict::ok;
  return RecipientVerdict::relay_denied;
}

}  // namespace hamail::mailsvc::smtp
