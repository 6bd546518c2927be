package dev.quiver.spark.arrow;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * A struct column of fields that are read in place ({@link ArrowMemoryVector#inPlace}, which
 * checks that they all are), seen by Spark without copying: a checked function result, such as
 * an aggregate's struct of statistics. Spark reads a struct's fields through its children, which
 * {@code ArrowColumnVector} would read with a bounds and reference-count check per value (most of
 * the time spent emitting a million groups' results in a profile).
 */
final class CheckedStructVector extends ArrowMemoryVector {
  private final ColumnVector[] children;

  CheckedStructVector(StructType type, StructVector vector, int rows) {
    super(type, vector);
    if (vector.getValidityBuffer().capacity() < (rows + 7) / 8) {
      throw new IllegalStateException("a struct vector of " + rows + " rows has a validity "
          + "buffer of " + vector.getValidityBuffer().capacity() + " bytes");
    }
    children = new ColumnVector[type.fields().length];
    for (int c = 0; c < children.length; c++) {
      children[c] = inPlace(type.fields()[c].dataType(),
          (FieldVector) vector.getChildByOrdinal(c), rows);
    }
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    return children[ordinal];
  }
}
