// acelab Java compile server: one long-lived javac (javax.tools) that answers compile requests, so a
// Java job pays ~20 ms for compilation instead of a fresh javac JVM (~450 ms; sandbox-probe.md 3.5).
//
// usage: java ... acelab.harness.CompileServer   (run inside its own sandbox, one per judge slot)
//
// Protocol on stdin/stdout, big-endian, DataInput/DataOutput encodings:
//   request: int nOptions, nOptions x UTF option; int nFiles, nFiles x (UTF name, int length, UTF-8 bytes)
//   reply:   boolean ok; int nClasses, nClasses x (UTF binary name, int length, bytes);
//            int length, UTF-8 diagnostics (javac's own command-line format)
// Sources are read from memory and classes written to memory: the server needs no file system, and
// javac runs no learner code (the judge always passes -proc:none). EOF on stdin ends the server.
package acelab.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public final class CompileServer {
  private CompileServer() {}

  /** A source file held in memory; its URI path gives javac the file name it checks class names against. */
  static final class Source extends SimpleJavaFileObject {
    private final String name;
    private final String code;

    Source(String name, String code) {
      super(URI.create("mem:///" + name), Kind.SOURCE);
      this.name = name;
      this.code = code;
    }

    @Override
    public String getName() {
      return name; // diagnostics read "Main.java:3: error: ...", as from the javac command
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }

  /** Collects every class javac writes, by binary name. */
  static final class MemoryClasses extends ForwardingJavaFileManager<JavaFileManager> {
    final Map<String, ByteArrayOutputStream> classes = new TreeMap<>();

    MemoryClasses(JavaFileManager standard) {
      super(standard);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      classes.put(className, bytes);
      return new SimpleJavaFileObject(URI.create("mem:///" + className + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          return bytes;
        }
      };
    }

    @Override
    public void close() {
      // The standard file manager (and its open jars) outlives every request.
    }
  }

  public static void main(String[] args) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager standard = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    while (true) {
      int nOptions;
      try {
        nOptions = in.readInt();
      } catch (EOFException e) {
        return;
      }
      List<String> options = new ArrayList<>();
      for (int i = 0; i < nOptions; i++) {
        options.add(in.readUTF());
      }
      int nFiles = in.readInt();
      List<JavaFileObject> sources = new ArrayList<>();
      for (int i = 0; i < nFiles; i++) {
        String name = in.readUTF();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        sources.add(new Source(name, new String(data, StandardCharsets.UTF_8)));
      }
      MemoryClasses output = new MemoryClasses(standard);
      StringWriter diagnostics = new StringWriter();
      boolean ok;
      try {
        ok = javac.getTask(diagnostics, output, null, options, null, sources).call();
      } catch (RuntimeException e) { // javac's own crash on strange input: report it, keep serving
        ok = false;
        diagnostics.write("javac failed: " + e);
      }
      out.writeBoolean(ok);
      out.writeInt(ok ? output.classes.size() : 0);
      if (ok) {
        for (Map.Entry<String, ByteArrayOutputStream> c : output.classes.entrySet()) {
          out.writeUTF(c.getKey());
          out.writeInt(c.getValue().size());
          c.getValue().writeTo(out);
        }
      }
      byte[] text = diagnostics.toString().getBytes(StandardCharsets.UTF_8);
      out.writeInt(text.length);
      out.write(text);
      out.flush();
    }
  }
}
