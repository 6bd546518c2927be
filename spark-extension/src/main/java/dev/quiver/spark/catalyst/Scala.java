package dev.quiver.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Conversions between Java and Scala collections for the Catalyst glue. */
public final class Scala {
  private Scala() {}

  public static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(new ArrayList<>(list)).toList();
  }

  @SafeVarargs
  public static <T> Seq<T> seq(T... items) {
    return seq(List.of(items));
  }

  /** The attributes that the given expressions reference. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static org.apache.spark.sql.catalyst.expressions.AttributeSet attributeSet(
      scala.collection.Iterable<?> expressions) {
    return org.apache.spark.sql.catalyst.expressions.AttributeSet.apply(
        (scala.collection.Iterable) expressions);
  }

  /** The position of {@code a} among {@code columns} by expression id; -1 if absent. */
  public static int ordinalOf(List<org.apache.spark.sql.catalyst.expressions.Attribute> columns,
      org.apache.spark.sql.catalyst.expressions.Attribute a) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).exprId().equals(a.exprId())) {
        return i;
      }
    }
    return -1;
  }

  public static <T> List<T> list(scala.collection.Seq<T> seq) {
    return new ArrayList<>(CollectionConverters.asJava(seq));
  }
}
