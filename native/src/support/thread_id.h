#pragma once

// The calling thread's tid, cached per thread: gettid is a system call (~2 us in a VM),
// and both the sampler (every sample) and the crash guard (every SIGSEGV the JVM takes)
// need it. Async-signal-safe: the cache is initial-exec TLS, a fixed offset from the
// thread pointer, whose reads never call __tls_get_addr (which may allocate for a
// dlopen'ed library's TLS). A thread's tid never changes.
int callerTid();
