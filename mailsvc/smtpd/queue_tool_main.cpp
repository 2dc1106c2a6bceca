// mailsvc-queue: what is waiting in smtpd's queue (Postfix's mailq), read from the files.
//   mailsvc-queue --config /etc/hamail/smtpd.yaml [--json]
// To retry everything now (postqueue -f): kill -USR1 the running smtpd.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "smtpd/config.h"
#include "smtpd/queue.h"
#include "smtpd/queue_listing.h"

using namespace hamail::mailsvc::smtpd;

int main(int argc, char** argv) {
  std::string config_path;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
    else if (std::strcmp(argv[i], "--json") == 0) json = true;
    else if (std::strcmp(argv[i], "list") == 0) continue;
    else {
      std::fprintf(stderr, "usage: mailsvc-queue --config FILE [list] [--json]\n");
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "usage: mailsvc-queue --config FILE [list] [--json]\n");
    return 2;
  }
  auto config = load_smtpd_config(config_path);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().c_str());
    return 1;
  }
  Queue queue(config->queue_dir());
  auto ids = queue.list(nullptr);
  if (!ids) {
    std::fprintf(stderr, "mailsvc-queue: %s\n", ids.error().c_str());
    return 1;
  }
  std::vector<QueuedMessage> messages;
  int rc = 0;
  for (const auto& id : *ids) {
    auto env = queue.load(id);
    if (!env) {  // delivered and removed meanwhile, or damaged: say so, list the rest
      struct stat st {};
      if (::stat(queue.msg_path(id).c_str(), &st) == 0) {
        std::fprintf(stderr, "mailsvc-queue: %s\n", env.error().c_str());
        rc = 1;
      }
      continue;
    }
    struct stat st {};
    QueuedMessage m{std::move(*env), 0};
    if (::stat(queue.msg_path(id).c_str(), &st) == 0) m.size = static_cast<std::uint64_t>(st.st_size);
    messages.push_back(std::move(m));
  }
  std::fputs((json ? format_queue_json(messages) : format_queue_text(messages)).c_str(), stdout);
  return rc;
}
