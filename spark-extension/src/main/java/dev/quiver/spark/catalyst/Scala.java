package dev.quiver.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Scala library as the Catalyst glue uses it from Java: conversions between Java and Scala
 * collections, class tags, empty iterators. (Names only the Scala compiler makes, and calls that
 * differ between Spark versions, live in {@code dev.quiver.spark.shims}.)
 */
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
  public static AttributeSet attributeSet(scala.collection.Iterable<?> expressions) {
    return AttributeSet.apply((scala.collection.Iterable) expressions);
  }

  /** The attributes that the expressions of all the given sequences reference. */
  @SafeVarargs
  public static AttributeSet attributeSet(scala.collection.Seq<? extends Expression>... groups) {
    List<Object> all = new ArrayList<>();
    for (scala.collection.Seq<?> group : groups) {
      all.addAll(list(group));
    }
    return attributeSet(seq(all));
  }

  /** Copies of {@code attributes} with new expression ids, for {@code newInstance}. */
  public static Seq<Attribute> withNewExprIds(scala.collection.Seq<Attribute> attributes) {
    List<Attribute> fresh = new ArrayList<>();
    for (Attribute a : list(attributes)) {
      fresh.add(a.withExprId(NamedExpression.newExprId()));
    }
    return seq(fresh);
  }

  /** The position of {@code a} among {@code columns} by expression id; -1 if absent. */
  public static int ordinalOf(List<Attribute> columns, Attribute a) {
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

  /** An immutable Scala map with the entries of {@code map}, in its iteration order. */
  public static <K, V> scala.collection.immutable.Map<K, V> map(java.util.Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(map));
  }

  /** The class tag Scala APIs such as {@code RDD.mapPartitionsInternal} take implicitly. */
  public static <T> scala.reflect.ClassTag<T> classTag(Class<T> type) {
    return scala.reflect.ClassTag$.MODULE$.apply(type);
  }

  /** An iterator with nothing left. */
  public static <T> scala.collection.Iterator<T> emptyIterator() {
    return scala.collection.Iterator$.MODULE$.empty();
  }
}
