#include "agent_thread.h"

#include <signal.h>

int startAgentThread(pthread_t* thread, void* (*body)(void*), void* arg) {
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  sigset_t previous;
  // A new thread inherits its creator's mask: block here, create, restore.
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  int result = pthread_create(thread, nullptr, body, arg);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return result;
}
