#include "gmime_init.h"

#include <gmime/gmime.h>

#include <mutex>

namespace hamail::mailsvc::mime {

void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace hamail::mailsvc::mime
