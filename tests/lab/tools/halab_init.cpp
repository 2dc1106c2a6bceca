// halab-init: process 1 of a lab node's PID namespace. Runs the node's boot command,
// then reaps every process that ends in the namespace, forever. Killing it (SIGKILL
// from the host) ends every process of the node at once: the lab's "power off".
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: halab-init BOOT-COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t boot = fork();
  if (boot < 0) {
    std::perror("halab-init: fork");
    return 1;
  }
  if (boot == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvp(argv[1], argv + 1);
    std::fprintf(stderr, "halab-init: cannot run %s: %s\n", argv[1], std::strerror(errno));
    _exit(127);
  }
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid == boot && WIFEXITED(status) && WEXITSTATUS(status) != 0)
      std::fprintf(stderr, "halab-init: boot command exited with %d\n", WEXITSTATUS(status));
    if (pid < 0 && errno == ECHILD) sleep(1);  // nothing to reap now; orphans may arrive later
  }
}
