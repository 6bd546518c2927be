package dev.quiver.spark.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.types.StructType;

/**
 * Writes Spark rows into one reusable Arrow batch with Spark's own {@link ArrowWriter}, so every
 * Spark type lands in exactly the vector Spark itself would use.
 */
public final class RowBatchWriter implements AutoCloseable {
  private final VectorSchemaRoot root;
  private final ArrowWriter writer;
  private int rows;

  public RowBatchWriter(StructType schema, String timeZoneId, BufferAllocator allocator) {
    this.root = VectorSchemaRoot.create(ArrowTypes.schema(schema, timeZoneId), allocator);
    this.writer = ArrowWriter.create(root);
  }

  public void write(InternalRow row) {
    writer.write(row);
    rows++;
  }

  public int rows() {
    return rows;
  }

  /** Completes the batch: sets value and row counts. The batch stays valid until reset. */
  public VectorSchemaRoot finish() {
    writer.finish();
    return root;
  }

  /** Empties the batch for reuse, keeping its buffers. */
  public void reset() {
    writer.reset();
    rows = 0;
  }

  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}
