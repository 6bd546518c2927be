package dev.quiver.function.aggregate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** {@link StateCodec#standard}: a tag byte, then the value; see there for the format. */
final class StandardStateCodec implements StateCodec<Object> {
  private static final byte LONGS = 1;
  private static final byte DOUBLES = 2;
  private static final byte INTS = 3;
  private static final byte FLOATS = 4;
  private static final byte SHORTS = 5;
  private static final byte BYTES = 6;
  private static final byte CHARS = 7;
  private static final byte BOOLEANS = 8;
  private static final byte LONG = 11;
  private static final byte DOUBLE = 12;
  private static final byte INT = 13;
  private static final byte FLOAT = 14;
  private static final byte SHORT = 15;
  private static final byte BYTE = 16;
  private static final byte CHAR = 17;
  private static final byte BOOLEAN = 18;
  private static final byte STRING = 19;
  private static final byte JAVA = 30;

  private static final StandardStateCodec OWN = new StandardStateCodec(
      StandardStateCodec.class.getClassLoader());

  private final ClassLoader loader;

  private StandardStateCodec(ClassLoader loader) {
    this.loader = loader;
  }

  static StandardStateCodec forLoader(ClassLoader loader) {
    return loader == null || loader == OWN.loader ? OWN : new StandardStateCodec(loader);
  }

  @Override
  public byte[] encode(Object state) throws IOException {
    if (state instanceof long[] a) {
      ByteBuffer out = header(LONGS, a.length, 8);
      out.asLongBuffer().put(a);
      return out.array();
    }
    if (state instanceof double[] a) {
      ByteBuffer out = header(DOUBLES, a.length, 8);
      out.asDoubleBuffer().put(a);
      return out.array();
    }
    if (state instanceof int[] a) {
      ByteBuffer out = header(INTS, a.length, 4);
      out.asIntBuffer().put(a);
      return out.array();
    }
    if (state instanceof float[] a) {
      ByteBuffer out = header(FLOATS, a.length, 4);
      out.asFloatBuffer().put(a);
      return out.array();
    }
    if (state instanceof short[] a) {
      ByteBuffer out = header(SHORTS, a.length, 2);
      out.asShortBuffer().put(a);
      return out.array();
    }
    if (state instanceof char[] a) {
      ByteBuffer out = header(CHARS, a.length, 2);
      out.asCharBuffer().put(a);
      return out.array();
    }
    if (state instanceof byte[] a) {
      return header(BYTES, a.length, 1).put(a).array();
    }
    if (state instanceof boolean[] a) {
      ByteBuffer out = header(BOOLEANS, a.length, 1);
      for (boolean b : a) {
        out.put((byte) (b ? 1 : 0));
      }
      return out.array();
    }
    if (state instanceof Long v) {
      return ByteBuffer.allocate(9).put(LONG).putLong(v).array();
    }
    if (state instanceof Double v) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble(v).array();
    }
    if (state instanceof Integer v) {
      return ByteBuffer.allocate(5).put(INT).putInt(v).array();
    }
    if (state instanceof Float v) {
      return ByteBuffer.allocate(5).put(FLOAT).putFloat(v).array();
    }
    if (state instanceof Short v) {
      return ByteBuffer.allocate(3).put(SHORT).putShort(v).array();
    }
    if (state instanceof Character v) {
      return ByteBuffer.allocate(3).put(CHAR).putChar(v).array();
    }
    if (state instanceof Byte v) {
      return new byte[] {BYTE, v};
    }
    if (state instanceof Boolean v) {
      return new byte[] {BOOLEAN, (byte) (v ? 1 : 0)};
    }
    if (state instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(1 + utf8.length).put(STRING).put(utf8).array();
    }
    if (state instanceof Serializable) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(JAVA);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(state);
      }
      return bytes.toByteArray();
    }
    throw new IllegalArgumentException("the standard state codec writes primitive arrays, boxed "
        + "primitives, strings and Serializable objects, not "
        + (state == null ? "null" : state.getClass().getName())
        + "; make the state Serializable or implement serialize and deserialize");
  }

  private static ByteBuffer header(byte tag, int length, int width) {
    return ByteBuffer.allocate(5 + length * width).put(tag).putInt(length);
  }

  @Override
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("an empty state");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    switch (bytes[0]) {
      case LONGS: {
        long[] a = new long[in.getInt()];
        in.asLongBuffer().get(a);
        return a;
      }
      case DOUBLES: {
        double[] a = new double[in.getInt()];
        in.asDoubleBuffer().get(a);
        return a;
      }
      case INTS: {
        int[] a = new int[in.getInt()];
        in.asIntBuffer().get(a);
        return a;
      }
      case FLOATS: {
        float[] a = new float[in.getInt()];
        in.asFloatBuffer().get(a);
        return a;
      }
      case SHORTS: {
        short[] a = new short[in.getInt()];
        in.asShortBuffer().get(a);
        return a;
      }
      case CHARS: {
        char[] a = new char[in.getInt()];
        in.asCharBuffer().get(a);
        return a;
      }
      case BYTES: {
        byte[] a = new byte[in.getInt()];
        in.get(a);
        return a;
      }
      case BOOLEANS: {
        boolean[] a = new boolean[in.getInt()];
        for (int i = 0; i < a.length; i++) {
          a[i] = in.get() != 0;
        }
        return a;
      }
      case LONG:
        return in.getLong();
      case DOUBLE:
        return in.getDouble();
      case INT:
        return in.getInt();
      case FLOAT:
        return in.getFloat();
      case SHORT:
        return in.getShort();
      case CHAR:
        return in.getChar();
      case BYTE:
        return in.get();
      case BOOLEAN:
        return in.get() != 0;
      case STRING:
        return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case JAVA:
        try (ObjectInputStream objects = new LoaderInputStream(
            new ByteArrayInputStream(bytes, 1, bytes.length - 1), loader)) {
          return objects.readObject();
        }
      default:
        throw new IllegalArgumentException("not a state the standard state codec wrote (tag "
            + bytes[0] + ")");
    }
  }

  /** Resolves classes through the function's loader, which sees the user's functions jar. */
  private static final class LoaderInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
