package kb.neo4jlocal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import org.neo4j.logging.log4j.Log4jLogProvider;

import picocli.CommandLine;

/**
 * Runs a throw-away Neo4j Community DBMS with only the Bolt connector, for tests and local use.
 *
 * <p>Usage: {@code Launcher --home DIR [--port N] [--ready-file FILE] [--exit-when-ready]}; the
 * last is the class-data-sharing training run of neo4j-local. The password comes from the
 * environment variable {@code KB_NEO4J_INITIAL_PASSWORD} so it never shows up in {@code ps}.
 *
 * <p>The ready file is written (atomically) only once every database is up, Bolt is listening and
 * the neo4j user has its password, so the caller never hands out a half-started server.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static final int BIND_ATTEMPTS = 5;

    private Launcher() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            fail("Neo4j did not start: " + t);
        }
    }

    private static void run(String[] args) throws Exception {
        Path home = null;
        int requestedPort = 0;
        Path readyFile = null;
        boolean training = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> requestedPort = Integer.parseInt(args[++i]);
                case "--ready-file" -> readyFile = Path.of(args[++i]).toAbsolutePath();
                case "--exit-when-ready" -> training = true;
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (home == null) {
            fail("--home is required");
        }
        String password = System.getenv("KB_NEO4J_INITIAL_PASSWORD");
        if (password == null || password.isEmpty()) {
            fail("KB_NEO4J_INITIAL_PASSWORD is not set");
        }

        DatabaseManagementService dbms = null;
        int port = -1;
        for (int attempt = 1; dbms == null; attempt++) {
            // Choosing the port here (not inside Neo4j with :0) lets the advertised address match,
            // which neo4j:// routing URIs need; the bind race is retried below.
            port = requestedPort != 0 ? requestedPort : freePort();
            wipe(home);
            Path conf = writeConfig(home, port);
            setInitialPassword(home, conf.getParent(), password);
            try {
                dbms = new DatabaseManagementServiceBuilder(home)
                        .loadPropertiesFromFile(conf)
                        .setUserLogProvider(new Log4jLogProvider(System.out))
                        .build();
            } catch (RuntimeException e) {
                if (requestedPort == 0 && attempt < BIND_ATTEMPTS && causedByBind(e)) {
                    log("port " + port + " was taken before Neo4j could bind it; retrying");
                    continue;
                }
                throw e;
            }
        }

        if (training) {
            warmUp(dbms);
            dbms.shutdown();
            log("training run done");
            // A normal exit (not halt) so the JVM writes the -XX:ArchiveClassesAtExit archive.
            System.exit(0);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        DatabaseManagementService running = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down");
            try {
                running.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "kb-neo4j-shutdown"));

        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database("system");
        HostnamePort bolt = system.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        if (bolt == null || bolt.getPort() != port) {
            fail("Bolt is not listening on " + HOST + ":" + port + " (register says " + bolt + ")");
        }
        // Not a Cypher query: the first one costs seconds of planner warm-up that the client's own
        // first query pays anyway, and readiness only needs Bolt plus the password in place.
        String version = Version.getNeo4jVersion();

        if (readyFile != null) {
            writeAtomically(readyFile, String.join("\n",
                    "pid=" + ProcessHandle.current().pid(),
                    "port=" + port,
                    "version=" + version,
                    "home=" + home,
                    ""));
        }
        log("Neo4j " + version + " ready on bolt://" + HOST + ":" + port);
        stopped.await();
    }

    // Loads the Cypher parser, planner and runtime classes (reads and writes) during the class-data
    // sharing training run, so the archive also shortens a client's first query.
    private static void warmUp(DatabaseManagementService dbms) {
        dbms.database("system")
                .executeTransactionally("CALL dbms.components() YIELD versions RETURN versions");
        var db = dbms.database("neo4j");
        db.executeTransactionally(
                "UNWIND $rows AS r CREATE (n:Warm {id: r.id}) SET n.name = r.name RETURN count(n)",
                Map.of("rows", List.of(Map.of("id", 1, "name", "a"))));
        db.executeTransactionally("MATCH (n:Warm) WHERE n.id = 1 OPTIONAL MATCH (n)-[r]->(m) "
                + "RETURN n.id, count(r), collect(m.name) ORDER BY n.id");
        db.executeTransactionally("MERGE (a:Warm {id: 2}) MERGE (a)-[:W]->(b:Warm {id: 3}) RETURN a, b");
        db.executeTransactionally("MATCH (n:Warm) DETACH DELETE n");
    }

    private static Path writeConfig(Path home, int port) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "# Written by kb's neo4j-local launcher for a throw-away test server.",
                "server.default_listen_address=" + HOST,
                "server.default_advertised_address=" + HOST,
                "server.bolt.enabled=true",
                "server.bolt.listen_address=" + HOST + ":" + port,
                "server.bolt.advertised_address=" + HOST + ":" + port,
                "server.bolt.tls_level=DISABLED",
                "server.http.enabled=false",
                "server.https.enabled=false",
                "dbms.security.auth_enabled=true",
                // Test suites probe wrong passwords on purpose; the default lockout after 3 failures
                // would then break the next, valid login for a few seconds.
                "dbms.security.auth_max_failed_attempts=0",
                // Lets NEO4J_PASSWORD be a short value like 'test', as CI setups often use.
                "dbms.security.auth_minimum_password_length=1",
                "server.memory.pagecache.size=" + env("KB_NEO4J_PAGECACHE", "64m"),
                // Preallocation would reserve 256 MiB of transaction log per database on disk.
                "db.tx_log.preallocate=false",
                "db.store.files.preallocate=false",
                "db.memory.pagecache.warmup.enable=false",
                "dbms.usage_report.enabled=false",
                // Netty's default 5 s quiet period, paid once per Bolt event loop group, would make
                // every stop take over 10 s for a server whose data is thrown away anyway.
                "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                "internal.dbms.bolt.netty_server_shutdown_timeout=5s",
                ""));
        Path confDir = Files.createDirectories(home.resolve("conf"));
        Path conf = confDir.resolve("neo4j.conf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    // Uses the same command as `neo4j-admin dbms set-initial-password`, so the system database is
    // created with this password and the built-in 'neo4j'/'neo4j' + forced change never exists.
    private static void setInitialPassword(Path home, Path confDir, String password) {
        PrintStream out = System.out;
        ExecutionContext ctx = new ExecutionContext(home, confDir, out, System.err,
                new DefaultFileSystemAbstraction());
        int rc = new CommandLine(new SetInitialPasswordCommand(ctx)).execute(password);
        if (rc != 0) {
            fail("set-initial-password failed with exit code " + rc);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException || c.getClass().getSimpleName().contains("PortBind")) {
                return true;
            }
        }
        return false;
    }

    /** Removes what a previous bind attempt left, keeping nothing but the empty home folder. */
    private static void wipe(Path home) throws IOException {
        Files.createDirectories(home);
        for (String sub : List.of("data", "logs", "conf", "run")) {
            Path p = home.resolve(sub);
            if (Files.exists(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(q);
                    }
                }
            }
        }
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static void log(String msg) {
        System.out.println("[kb-neo4j-launcher] " + msg);
        System.out.flush();
    }

    private static void fail(String msg) {
        System.err.println("[kb-neo4j-launcher] ERROR: " + msg);
        System.err.flush();
        // halt, not exit: a half-built DBMS holds non-daemon threads and shutdown hooks that could hang.
        Runtime.getRuntime().halt(1);
    }
}
