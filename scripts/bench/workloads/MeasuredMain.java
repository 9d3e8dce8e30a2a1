package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another workload's {@code main} and prints the CPU time the whole process used while it
 * ran (every thread: the workload's, the JIT's, the GC's, a profiler's). Unlike the process's
 * total, this leaves out JVM start-up and the profiler's set-up and exit, which are a fixed
 * cost, not a rate. Usage: {@code MeasuredMain CLASS ARGS...}.
 */
public final class MeasuredMain {
    private MeasuredMain() {
    }

    public static void main(String[] args) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        long cpu = os.getProcessCpuTime();
        main.invoke(null, (Object) rest);
        System.out.println("measured_cpu_ns " + (os.getProcessCpuTime() - cpu));
    }
}
