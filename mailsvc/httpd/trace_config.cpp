#include "hamail/mailsvc/httpd/trace_settings.h"

#include <algorithm>
#include <cctype>

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/httpd/httpd_config.h"

namespace hamail::mailsvc::httpd {

void read_trace(config::MapReader& top, HttpdConfig& out) {
  daemon::read_section(top, "trace", [&](config::MapReader& m) {
    TraceSettings t;
    if (auto v = m.absolute_path("index", config::Need::required)) t.index = *v;
    if (auto v = m.string_list("admins")) {
      for (std::string a : *v) {
        std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
        if (a.empty()) m.sink().add(m.node()["admins"], m.key_path("admins"), "an empty user name");
        else t.admins.push_back(std::move(a));
      }
    }
    if (!out.webmail) m.sink().add(m.node(), "trace", "needs the webmail: section (the trace page uses its logins)");
    out.trace = std::move(t);
  });
}

}  // namespace hamail::mailsvc::httpd
