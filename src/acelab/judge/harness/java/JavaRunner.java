// acelab Java test harness: runs one JUnit 5 test class through the JUnit Platform Launcher API
// and reports each test on the private result channel (see judge/languages/base.py), never on stdout.
//
// usage: java ... acelab.harness.JavaRunner CLASSES_DIR TEST_CLASS_FILE
// (TEST_CLASS_FILE holds the suite's class name; the judge writes it next to the suite.)
//
// The one-time key is read before any learner class is loaded. Learner and suite classes come from a
// child class loader, so parent-first delegation keeps them from shadowing this runner, JUnit or the
// JDK. The process ends with halt(): learner shutdown hooks and stray threads change nothing.
package acelab.harness;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

public final class JavaRunner {
  private JavaRunner() {}

  /** Writes keyed JSON records; the key lives only in this instance, never in a static field. */
  static final class Channel {
    private final byte[] prefix;
    private final FileOutputStream out;

    Channel(byte[] key, FileOutputStream out) {
      this.prefix = new byte[key.length + 1];
      System.arraycopy(key, 0, prefix, 0, key.length);
      prefix[key.length] = ' ';
      this.out = out;
    }

    synchronized void emit(String json) {
      if (out == null) {
        return;
      }
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      byte[] line = new byte[prefix.length + body.length + 1];
      System.arraycopy(prefix, 0, line, 0, prefix.length);
      System.arraycopy(body, 0, line, prefix.length, body.length);
      line[line.length - 1] = '\n';
      try {
        out.write(line); // one write() per record: atomic on a pipe below PIPE_BUF
      } catch (IOException e) {
        // The service went away; nothing left to report to.
      }
    }
  }

  static String quote(String s) {
    if (s.length() > 2000) {
      s = s.substring(0, 2000);
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static FileDescriptor descriptor(int fd) throws ReflectiveOperationException {
    // The fds are pipes created by the (root) service: /proc/self/fd/N cannot be reopened by the
    // sandbox uid, so wrap the inherited descriptor itself (needs --add-opens java.base/java.io).
    FileDescriptor d = new FileDescriptor();
    Field f = FileDescriptor.class.getDeclaredField("fd");
    f.setAccessible(true);
    f.setInt(d, fd);
    return d;
  }

  static Channel openChannel() throws IOException, ReflectiveOperationException {
    String keyFd = System.getenv("ACELAB_KEY_FD");
    String outFd = System.getenv("ACELAB_RESULT_FD");
    if (keyFd == null || outFd == null) {
      return new Channel(new byte[0], null); // cache warm-up run: nothing to report to
    }
    byte[] buf = new byte[80];
    int len = 0;
    // Plain read() loop: readNBytes() seeks, which a pipe refuses (IOException: Illegal seek).
    try (FileInputStream in = new FileInputStream(descriptor(Integer.parseInt(keyFd)))) {
      for (int n; len < buf.length && (n = in.read(buf, len, buf.length - len)) > 0; ) {
        len += n;
      }
    }
    byte[] key = new String(buf, 0, len, StandardCharsets.US_ASCII).strip().getBytes(StandardCharsets.US_ASCII);
    return new Channel(key, new FileOutputStream(descriptor(Integer.parseInt(outFd))));
  }

  static final class Listener implements TestExecutionListener {
    private final Channel channel;
    private final long[] started = new long[1];
    volatile String running;

    Listener(Channel channel) {
      this.channel = channel;
    }

    static String name(TestIdentifier id) {
      Optional<TestSource> source = id.getSource();
      if (source.isPresent() && source.get() instanceof MethodSource) {
        return ((MethodSource) source.get()).getMethodName();
      }
      return id.getDisplayName();
    }

    void start(String name) {
      running = name;
      started[0] = System.nanoTime();
      channel.emit("{\"event\":\"start\",\"name\":" + quote(name) + "}");
    }

    void result(String name, String status, String message) {
      long ms = (System.nanoTime() - started[0]) / 1_000_000;
      channel.emit(
          "{\"event\":\"result\",\"name\":" + quote(name) + ",\"status\":\"" + status + "\",\"ms\":" + ms
              + ",\"message\":" + quote(message) + "}");
      running = null;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
      if (id.isTest()) {
        start(name(id));
      }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      if (id.isTest()) {
        start(name(id));
        result(name(id), "failed", "skipped: " + reason);
      }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult res) {
      Throwable t = res.getThrowable().orElse(null);
      if (!id.isTest()) {
        if (t != null) {
          // e.g. the test class failed to initialise: its tests stay unreported (not run).
          System.err.println("acelab: " + id.getDisplayName() + " failed: " + t);
        }
        return;
      }
      switch (res.getStatus()) {
        case SUCCESSFUL:
          result(name(id), "passed", "");
          break;
        case ABORTED:
          result(name(id), "failed", "aborted: " + t);
          break;
        default:
          result(name(id), t instanceof AssertionError ? "failed" : "error", String.valueOf(t));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Channel channel = openChannel();
    String testClassName = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8).strip();
    Listener listener = new Listener(channel);
    int code = 0;
    try {
      code = run(Path.of(args[0]), testClassName, channel, listener);
    } catch (Throwable t) { // JUnit rethrows OutOfMemoryError; learner code may throw anything
      String running = listener.running;
      if (running != null) {
        listener.result(running, "error", String.valueOf(t));
      }
      code = 1;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  static int run(Path classesDir, String testClassName, Channel channel, Listener listener)
      throws Exception {
    URL classes = classesDir.toUri().toURL();
    ClassLoader loader = new URLClassLoader(new URL[] {classes}, JavaRunner.class.getClassLoader());
    Class<?> testClass;
    try {
      testClass = Class.forName(testClassName, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      channel.emit("{\"event\":\"suite_error\",\"message\":" + quote("test class not loadable: " + e) + "}");
      return 1;
    }
    Thread.currentThread().setContextClassLoader(loader);
    LauncherConfig config =
        LauncherConfig.builder()
            .enableTestEngineAutoRegistration(false)
            .enableTestExecutionListenerAutoRegistration(false)
            .enableLauncherSessionListenerAutoRegistration(false)
            .enableLauncherDiscoveryListenerAutoRegistration(false)
            .enablePostDiscoveryFilterAutoRegistration(false)
            .addTestEngines(new JupiterTestEngine())
            .addTestExecutionListeners(listener)
            .build();
    Launcher launcher = LauncherFactory.create(config);
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(DiscoverySelectors.selectClass(testClass))
            .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
            .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
            .build();
    launcher.execute(request);
    return 0;
  }
}
