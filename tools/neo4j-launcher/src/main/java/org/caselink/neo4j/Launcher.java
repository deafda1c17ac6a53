package org.caselink.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.io.fs.FileUtils;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts an in-process Neo4j Community DBMS with Bolt on 127.0.0.1 (no HTTP), its files under {@code --work-dir}.
 *
 * <p>With {@code --import DIR} it first runs Neo4j's offline importer ({@code neo4j-admin database import full},
 * in this process) on the files that {@code caselink bulk prepare} wrote into DIR: {@code DIR/import.args} holds
 * the importer's options, one per line, file names relative to DIR. It prints {@code IMPORTED in S s} when
 * the import is done, then starts the DBMS on the imported database. With {@code --await-import} as well, DIR
 * may still be being written: the launcher warms up (a DBMS started and stopped on a scratch folder, so that
 * the real start after the import is quick), then waits until {@code DIR/import.args} exists.
 *
 * <p>When Bolt is ready it prints one line {@code BOLT bolt://127.0.0.1:PORT} and writes the same line to
 * {@code --uri-file}. It stops cleanly (database closed, working directory deleted) on SIGTERM/SIGINT and,
 * with {@code --watch-stdin}, when its standard input closes.
 *
 * <pre>
 * java -cp ... org.caselink.neo4j.Launcher --work-dir DIR [--uri-file FILE] [--port N]
 *      [--password PW] [--pagecache-mb N] [--watch-stdin] [--import DIR [--await-import]]
 * </pre>
 *
 * <p>The environment variable {@code CASELINK_NEO4J_PAGECACHE_MB}, when set, overrides {@code --pagecache-mb}
 * (default 256): a million filings make a store of about 2 GB, which queries read much faster from memory.
 * {@code CASELINK_NEO4J_IMPORT_MEMORY} (default 1g) is the importer's {@code --max-off-heap-memory}.
 *
 * <p>{@code --port 0} (the default) lets the OS pick a free port. Without {@code --password} auth is
 * disabled (any credentials are accepted); with it, auth is on and user {@code neo4j} has that password.
 */
public final class Launcher {
    /** Options of {@code import.args} whose value ends in file names (comma-separated) to resolve. */
    private static final List<String> FILE_OPTIONS = List.of("--nodes=", "--relationships=", "--multiline-fields=");

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
        if (options.watchStdin) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                System.exit(0);
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        Path home = options.workDir.toAbsolutePath().resolve("dbms");
        FileUtils.deleteDirectory(home);
        Files.createDirectories(home);
        if (options.importDir != null) {
            Path argsFile = options.importDir.resolve("import.args");
            if (options.awaitImport && !Files.isRegularFile(argsFile)) {
                warmUp(options.workDir.toAbsolutePath().resolve("warm-up"));
                System.out.println("WAITING for " + argsFile);
                System.out.flush();
                while (!Files.isRegularFile(argsFile)) {
                    Thread.sleep(100);
                }
            }
            long started = System.nanoTime();
            int status = runImport(home, options.importDir.toAbsolutePath(), options.importMemory);
            if (status != 0) {
                System.err.println("neo4j-launcher: the import failed (exit code " + status + "); see above");
                FileUtils.deleteDirectory(home);
                System.exit(3);
            }
            System.out.printf("IMPORTED in %.3f s%n", (System.nanoTime() - started) / 1e9);
            System.out.flush();
        }

        long starting = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", options.port))
                .setConfig(GraphDatabaseSettings.auth_enabled, options.password != null)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(options.pagecacheMb))
                // Netty's graceful-shutdown quiet period otherwise makes every stop take about 10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
                FileUtils.deleteDirectory(home);
            } catch (IOException e) {
                System.err.println("neo4j-launcher: could not delete " + home + ": " + e);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        if (options.password != null) {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                    .executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", options.password));
        }

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int port = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();
        String line = "BOLT bolt://127.0.0.1:" + port;
        System.out.printf("STARTED in %.3f s%n", (System.nanoTime() - starting) / 1e9);
        if (options.uriFile != null) {
            writeAtomically(options.uriFile, line + "\n");
        }
        System.out.println(line);
        System.out.flush();
        stopped.await();
    }

    /**
     * Starts and stops a DBMS on a scratch folder, then deletes it: the first start in a JVM loads and compiles
     * most of Neo4j (about 10 s on a busy 2-core machine), a later one takes about a second. Done while another
     * process is still writing the import files.
     */
    private static void warmUp(Path scratch) throws IOException {
        long started = System.nanoTime();
        FileUtils.deleteDirectory(scratch);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(scratch)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(8))
                .build();
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME)
                .executeTransactionally("CREATE CONSTRAINT warm_up IF NOT EXISTS FOR (n:W) REQUIRE n.k IS UNIQUE");
        dbms.shutdown();
        FileUtils.deleteDirectory(scratch);
        System.out.printf("WARMED UP in %.3f s%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Runs {@code neo4j-admin database import full} into the default database under {@code home}, with the
     * options of {@code dir/import.args}; returns its exit code.
     */
    private static int runImport(Path home, Path dir, String memory) throws IOException {
        List<String> args = new ArrayList<>(List.of("database", "import", "full"));
        for (String line : Files.readAllLines(dir.resolve("import.args"), StandardCharsets.UTF_8)) {
            String arg = line.strip();
            if (!arg.isEmpty() && !arg.startsWith("#")) {
                args.add(resolveFiles(arg, dir));
            }
        }
        args.add("--max-off-heap-memory=" + memory);
        args.add("--report-file=" + home.resolve("import.report"));
        args.add(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        ExecutionContext context = new ExecutionContext(
                home, home.resolve("conf"), System.out, System.err, new DefaultFileSystemAbstraction());
        return AdminTool.execute(context, args.toArray(String[]::new));
    }

    /** {@code --nodes=Label=a.csv,b.csv} with each relative file name resolved against {@code dir}. */
    static String resolveFiles(String arg, Path dir) {
        for (String option : FILE_OPTIONS) {
            if (arg.startsWith(option)) {
                int cut = arg.lastIndexOf('=') + 1;
                List<String> files = new ArrayList<>();
                for (String file : arg.substring(cut).split(",")) {
                    files.add(dir.resolve(file).toString());
                }
                return arg.substring(0, cut) + String.join(",", files);
            }
        }
        return arg;
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
        Path importDir;
        boolean awaitImport;
        String importMemory = "1g";

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
                    case "--import" -> o.importDir = Path.of(value(args, ++i, arg));
                    case "--await-import" -> o.awaitImport = true;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            String pagecache = System.getenv("CASELINK_NEO4J_PAGECACHE_MB");
            if (pagecache != null && !pagecache.isBlank()) {
                o.pagecacheMb = Long.parseLong(pagecache.trim());
            }
            String importMemory = System.getenv("CASELINK_NEO4J_IMPORT_MEMORY");
            if (importMemory != null && !importMemory.isBlank()) {
                o.importMemory = importMemory.trim();
            }
            if (o.awaitImport && o.importDir == null) {
                throw new IllegalArgumentException("--await-import needs --import DIR");
            }
            if (o.importDir != null && !o.awaitImport && !Files.isRegularFile(o.importDir.resolve("import.args"))) {
                throw new IllegalArgumentException(o.importDir + "/import.args not found: write the import files "
                        + "with `caselink bulk prepare` first");
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
