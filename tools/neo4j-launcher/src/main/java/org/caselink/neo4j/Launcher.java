package org.caselink.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts an in-process Neo4j Community (neo4j-harness) with Bolt on 127.0.0.1 and HTTP off.
 *
 * <p>When Bolt is ready it prints one line {@code BOLT bolt://127.0.0.1:PORT} and writes the same line to
 * {@code --uri-file}. It stops cleanly (database closed, working directory deleted) on SIGTERM/SIGINT and,
 * with {@code --watch-stdin}, when its standard input closes.
 *
 * <pre>
 * java -cp ... org.caselink.neo4j.Launcher --work-dir DIR [--uri-file FILE] [--port N]
 *      [--password PW] [--pagecache-mb N] [--watch-stdin]
 * </pre>
 *
 * <p>The environment variable {@code CASELINK_NEO4J_PAGECACHE_MB}, when set, overrides {@code --pagecache-mb}
 * (default 256): a million filings make a store of about 2 GB, which queries read much faster from memory.
 *
 * <p>{@code --port 0} (the default) lets the OS pick a free port. Without {@code --password} auth is
 * disabled (any credentials are accepted); with it, auth is on and user {@code neo4j} has that password.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-launcher: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(options.workDir);

        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(options.workDir)
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", options.port))
                .withConfig(GraphDatabaseSettings.auth_enabled, options.password != null)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(options.pagecacheMb))
                // Netty's graceful-shutdown quiet period otherwise makes every stop take about 10 s.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                neo4j.close();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        if (options.password != null) {
            neo4j.databaseManagementService()
                    .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                    .executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", options.password));
        }

        URI bolt = neo4j.boltURI();
        String line = "BOLT bolt://127.0.0.1:" + bolt.getPort();
        if (options.uriFile != null) {
            writeAtomically(options.uriFile, line + "\n");
        }
        System.out.println(line);
        System.out.flush();

        if (options.watchStdin) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                System.exit(0);
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Keep reading until end of file: the parent closed its end of the pipe.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: stop as on end of file.
        }
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".bolt-uri", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Command-line options; see the class comment. */
    private static final class Options {
        Path workDir;
        Path uriFile;
        int port = 0;
        String password;
        long pagecacheMb = 256;
        boolean watchStdin;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--work-dir" -> o.workDir = Path.of(value(args, ++i, arg));
                    case "--uri-file" -> o.uriFile = Path.of(value(args, ++i, arg));
                    case "--port" -> o.port = Integer.parseInt(value(args, ++i, arg));
                    case "--password" -> o.password = value(args, ++i, arg);
                    case "--pagecache-mb" -> o.pagecacheMb = Long.parseLong(value(args, ++i, arg));
                    case "--watch-stdin" -> o.watchStdin = true;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            String pagecache = System.getenv("CASELINK_NEO4J_PAGECACHE_MB");
            if (pagecache != null && !pagecache.isBlank()) {
                o.pagecacheMb = Long.parseLong(pagecache.trim());
            }
            if (o.workDir == null) {
                throw new IllegalArgumentException("--work-dir is required");
            }
            if (o.password != null && o.password.length() < 8) {
                throw new IllegalArgumentException("--password must have at least 8 characters (Neo4j's minimum)");
            }
            if (o.port < 0 || o.port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535");
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }
    }
}
