package dev.quiver.function.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * An {@link Emitter} that keeps the emitted rows as lists of Java values, for unit tests of
 * functions without Spark. Batch columns are read with {@link FieldVector#getObject(int)}, with
 * strings as {@code String}.
 *
 * <pre>{@code
 * try (BufferAllocator allocator = new RootAllocator()) {
 *   Schema result = new Schema(List.of(Field.nullable("total", new ArrowType.Int(32, true))));
 *   CollectingEmitter out = new CollectingEmitter(result, allocator);
 *   TableFunction f = new SumPerUser();
 *   f.eval(batch, Arguments.empty(), out);
 *   f.terminate(out);
 *   assertEquals(List.of(List.of(30)), out.rows());
 * }
 * }</pre>
 */
public final class CollectingEmitter implements Emitter {
  private final Schema schema;
  private final BufferAllocator allocator;
  private final List<List<Object>> rows = new ArrayList<>();

  public CollectingEmitter(Schema schema, BufferAllocator allocator) {
    this.schema = schema;
    this.allocator = allocator;
  }

  @Override
  public void emit(VectorSchemaRoot batch) {
    List<Field> expected = schema.getFields();
    List<FieldVector> vectors = batch.getFieldVectors();
    if (vectors.size() != expected.size()) {
      throw new IllegalArgumentException("emitted a batch of " + vectors.size()
          + " columns; the result schema has " + expected.size());
    }
    for (int c = 0; c < vectors.size(); c++) {
      if (!vectors.get(c).getField().getType().equals(expected.get(c).getType())) {
        throw new IllegalArgumentException("column " + (c + 1) + " is of Arrow type "
            + vectors.get(c).getField().getType() + ", the result schema needs "
            + expected.get(c).getType());
      }
    }
    for (int r = 0; r < batch.getRowCount(); r++) {
      List<Object> row = new ArrayList<>();
      for (FieldVector vector : vectors) {
        Object value = vector.getObject(r);
        row.add(value instanceof Text text ? text.toString() : value);
      }
      rows.add(Collections.unmodifiableList(row));
    }
  }

  @Override
  public void emitRow(Object... values) {
    if (values.length != schema.getFields().size()) {
      throw new IllegalArgumentException("emitted a row of " + values.length
          + " values; the result schema has " + schema.getFields().size() + " columns");
    }
    rows.add(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values))));
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public BufferAllocator allocator() {
    return allocator;
  }

  /** The rows emitted so far, in order. */
  public List<List<Object>> rows() {
    return Collections.unmodifiableList(rows);
  }

  /** Forgets the rows emitted so far. */
  public void clear() {
    rows.clear();
  }
}
