// PeriodicThread: begin, ticks and end run on the thread, in that order; stop() ends it at
// once rather than after a period; a begin that fails ends the thread without a tick; the
// thread carries its name (what `top -H` shows).

#include "support/periodic_thread.h"

#include <time.h>

#include <pthread.h>

#include <atomic>
#include <cstring>

#include "check.h"

namespace {

void sleepMs(int ms) {
  timespec t{ms / 1000, (ms % 1000) * 1'000'000L};
  nanosleep(&t, nullptr);
}

void ticksUntilStopped() {
  PeriodicThread thread;
  std::atomic<int> begun{0}, ticks{0}, ended{0};
  std::atomic<bool> orderOk{true}, named{false};
  PeriodicThread::Work work;
  work.begin = [&] { begun++; return true; };
  work.tick = [&] {
    if (begun.load() != 1 || ended.load() != 0) orderOk = false;
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof(name));
    named = std::strcmp(name, "jflame-test") == 0;
    ticks++;
  };
  work.end = [&] { ended++; };
  std::string error;
  CHECK(thread.start("test", "jflame-test", 1, std::move(work), &error));
  CHECK(thread.running());
  for (int i = 0; i < 20'000 && ticks.load() < 3; ++i) sleepMs(1);  // generous: a loaded machine
  CHECK(ticks.load() >= 3);
  thread.stop();
  CHECK(!thread.running());
  CHECK_EQ(ended.load(), 1);
  CHECK(orderOk.load());
  CHECK(named.load());
  thread.stop();  // a second stop is harmless
}

void stopDoesNotWaitForThePeriod() {
  PeriodicThread thread;
  PeriodicThread::Work work;
  work.tick = [] {};
  std::string error;
  // An hour's period: if stop() waited for it, the test would time out.
  CHECK(thread.start("test", "jflame-test", 3'600'000, std::move(work), &error));
  thread.stop();
  CHECK(!thread.running());
}

void failedBeginEndsWithoutTicks() {
  PeriodicThread thread;
  std::atomic<int> ticks{0}, ended{0};
  PeriodicThread::Work work;
  work.begin = [] { return false; };
  work.tick = [&] { ticks++; };
  work.end = [&] { ended++; };
  std::string error;
  CHECK(thread.start("test", "jflame-test", 1, std::move(work), &error));
  sleepMs(20);
  thread.stop();
  CHECK_EQ(ticks.load(), 0);
  CHECK_EQ(ended.load(), 0);
}

}  // namespace

int main() {
  ticksUntilStopped();
  stopDoesNotWaitForThePeriod();
  failedBeginEndsWithoutTicks();
  return check::finish("periodic_thread_test");
}
