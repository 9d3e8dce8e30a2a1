package dev.jflame.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real program with many classes and deep stacks: the H2 database (on the class path,
 * reached through JDBC only, so this compiles without it), in memory, running a fixed SQL
 * workload ROUNDS times: inserts through prepared statements, then joins, aggregates,
 * sub-queries, an index lookup loop and updates. Fixed work; prints the wall time.
 *
 * <p>Usage: {@code H2RoundsWorkload ROUNDS ROWS}.
 */
public final class H2RoundsWorkload {
    private H2RoundsWorkload() {
    }

    public static void main(String[] args) throws SQLException {
        int rounds = Integer.parseInt(args[0]);
        int rows = Integer.parseInt(args[1]);
        long start = System.nanoTime();
        long checksum = 0;
        for (int r = 0; r < rounds; r++) {
            try (Connection c = DriverManager.getConnection("jdbc:h2:mem:bench" + r, "sa", "")) {
                checksum += round(c, rows);
            }
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " checksum " + checksum);
    }

    private static long round(Connection c, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer(id INT PRIMARY KEY, name VARCHAR(64), region INT)");
            s.execute("CREATE TABLE orders(id INT PRIMARY KEY, customer INT, amount DECIMAL(12,2), note VARCHAR(128))");
            s.execute("CREATE INDEX orders_customer ON orders(customer)");
        }
        int customers = Math.max(1, rows / 10);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO customer VALUES (?, ?, ?)")) {
            for (int i = 0; i < customers; i++) {
                p.setInt(1, i);
                p.setString(2, "customer-" + i);
                p.setInt(3, i % 17);
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                p.setInt(1, i);
                p.setInt(2, (i * 7919) % customers);
                p.setBigDecimal(3, java.math.BigDecimal.valueOf((i * 31L) % 100_000, 2));
                p.setString(4, "order note " + (i % 1000));
                p.executeUpdate();
            }
        }
        long sum = 0;
        try (Statement s = c.createStatement()) {
            sum += longOf(s, "SELECT COUNT(*) FROM orders o JOIN customer c ON o.customer = c.id WHERE c.region < 9");
            sum += longOf(s, "SELECT SUM(t) FROM (SELECT c.region, SUM(o.amount) t FROM orders o JOIN customer c "
                    + "ON o.customer = c.id GROUP BY c.region ORDER BY t DESC) x");
            sum += longOf(s, "SELECT COUNT(*) FROM customer c WHERE EXISTS (SELECT 1 FROM orders o "
                    + "WHERE o.customer = c.id AND o.amount > 900)");
            sum += longOf(s, "SELECT COUNT(DISTINCT note) FROM orders WHERE note LIKE '%9%'");
            s.executeUpdate("UPDATE orders SET amount = amount * 1.01 WHERE MOD(id, 3) = 0");
        }
        try (PreparedStatement p = c.prepareStatement("SELECT SUM(amount) FROM orders WHERE customer = ?")) {
            for (int i = 0; i < customers; i++) {
                p.setInt(1, i);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next() && rs.getBigDecimal(1) != null) sum += rs.getBigDecimal(1).longValue();
                }
            }
        }
        return sum;
    }

    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1) == null ? 0 : rs.getBigDecimal(1).longValue();
        }
    }
}
