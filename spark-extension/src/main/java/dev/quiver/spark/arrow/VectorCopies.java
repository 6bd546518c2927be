package dev.quiver.spark.arrow;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Guards for the vectors Quiver lends to functions: a deep copy for a second reader of the same
 * argument, and a fingerprint that tells whether a function closed, reset or reallocated a vector
 * it was lent.
 */
public final class VectorCopies {
  private VectorCopies() {}

  /** A copy of {@code source} that shares no memory with it, one memory copy per buffer. */
  public static FieldVector deepCopy(FieldVector source, BufferAllocator allocator) {
    FieldVector copy = source.getField().createVector(allocator);
    // A root only to unload through: closing it would close the source.
    VectorSchemaRoot from = new VectorSchemaRoot(List.of(source.getField()), List.of(source),
        source.getValueCount());
    try (ArrowRecordBatch original = new VectorUnloader(from).getRecordBatch()) {
      List<ArrowBuf> copies = new ArrayList<>();
      try {
        for (ArrowBuf buffer : original.getBuffers()) {
          long length = buffer.writerIndex();
          ArrowBuf target = allocator.buffer(Math.max(length, 1));
          target.setBytes(0, buffer, 0, length);
          target.writerIndex(length);
          copies.add(target);
        }
        try (ArrowRecordBatch copied = new ArrowRecordBatch(original.getLength(),
            original.getNodes(), copies)) {
          new VectorLoader(new VectorSchemaRoot(List.of(copy))).load(copied);
        }
      } finally {
        // The loaded vector holds its own references; these are the copy loop's.
        copies.forEach(ArrowBuf::close);
      }
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
    return copy;
  }

  /**
   * The identity of a vector's memory: value count, and address and capacity of every buffer,
   * children included. Equal fingerprints before and after a call mean the callee neither
   * closed, reset nor reallocated the vector.
   */
  public static long[] fingerprint(FieldVector vector) {
    List<Long> parts = new ArrayList<>();
    collect(vector, parts);
    long[] result = new long[parts.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = parts.get(i);
    }
    return result;
  }

  private static void collect(FieldVector vector, List<Long> parts) {
    parts.add((long) vector.getValueCount());
    for (ArrowBuf buffer : vector.getFieldBuffers()) {
      parts.add(buffer.memoryAddress());
      parts.add(buffer.capacity());
      parts.add((long) buffer.refCnt());
    }
    for (FieldVector child : vector.getChildrenFromFields()) {
      collect(child, parts);
    }
  }
}
