package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * A real program with many classes and deep stacks that nobody here wrote: the H2 database
 * (com.h2database:h2 on the class path, reached through JDBC only, so this compiles without it),
 * in memory: a table of ROWS rows with a secondary index, then a fixed mix of point queries,
 * range aggregates, a join, updates and inserts until the thread has used CPU_SECONDS of CPU
 * time in that phase (so that a loaded machine does not change how much is profiled). Prints
 * the operations done.
 *
 * <p>Usage: {@code H2Workload CPU_SECONDS [ROWS]}.
 */
public final class H2Workload {
    private H2Workload() {
    }

    public static void main(String[] args) throws SQLException {
        double seconds = Double.parseDouble(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Random random = new Random(42);
        try (Connection db = DriverManager.getConnection("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1")) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE account(id INT PRIMARY KEY, name VARCHAR(64), branch INT, balance BIGINT)");
                s.execute("CREATE INDEX account_branch ON account(branch)");
                s.execute("CREATE TABLE branch(id INT PRIMARY KEY, city VARCHAR(64))");
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO branch VALUES (?, ?)")) {
                for (int i = 0; i < 100; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "city-" + i);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO account VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "customer-" + Integer.toHexString(i * 7919));
                    insert.setInt(3, i % 100);
                    insert.setLong(4, random.nextInt(1_000_000));
                    insert.executeUpdate();
                }
            }
            long ops = work(db, rows, random, (long) (seconds * 1e9));
            System.out.println("ops " + ops);
        }
    }

    static long work(Connection db, int rows, Random random, long cpuNs) throws SQLException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + cpuNs;
        long ops = 0, sink = 0;
        int next = rows;
        try (PreparedStatement point = db.prepareStatement("SELECT name, balance FROM account WHERE id = ?");
             PreparedStatement range = db.prepareStatement(
                     "SELECT branch, COUNT(*), SUM(balance) FROM account WHERE id BETWEEN ? AND ? GROUP BY branch");
             PreparedStatement join = db.prepareStatement(
                     "SELECT b.city, MAX(a.balance) FROM account a JOIN branch b ON a.branch = b.id"
                             + " WHERE a.branch = ? GROUP BY b.city");
             PreparedStatement update = db.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
             PreparedStatement insert = db.prepareStatement("INSERT INTO account VALUES (?, ?, ?, ?)")) {
            // The CPU clock is read every 20 rounds: its system call is not what is measured.
            for (int round = 0; round % 20 != 0 || threads.getCurrentThreadCpuTime() < end; round++) {
                for (int i = 0; i < 20; i++) {
                    point.setInt(1, random.nextInt(rows));
                    sink += sum(point.executeQuery());
                }
                int from = random.nextInt(rows - 2000);
                range.setInt(1, from);
                range.setInt(2, from + 2000);
                sink += sum(range.executeQuery());
                join.setInt(1, random.nextInt(100));
                sink += sum(join.executeQuery());
                for (int i = 0; i < 5; i++) {
                    update.setLong(1, random.nextInt(100) - 50);
                    update.setInt(2, random.nextInt(rows));
                    update.executeUpdate();
                }
                insert.setInt(1, next);
                insert.setString(2, "late-" + next);
                insert.setInt(3, next % 100);
                insert.setLong(4, next);
                insert.executeUpdate();
                next++;
                ops += 28;
            }
        }
        return ops + (sink & 0);
    }

    static long sum(ResultSet result) throws SQLException {
        long total = 0;
        try (result) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                for (int c = 1; c <= columns; c++) total += result.getString(c).length();
            }
        }
        return total;
    }
}
