package dev.quiver.function.aggregate;

import java.util.List;
import java.util.Objects;

/**
 * An {@link AggregateFunction} whose name, result type and argument types are given to its
 * constructor, as DataFusion's {@code create_udaf} takes them: the declaration is stated once,
 * in one line, and the class holds only the aggregate's logic. Everything else is
 * {@link AggregateFunction}'s; a two-phase aggregate also implements
 * {@link MergeableAggregateFunction}, whose defaults then apply.
 *
 * <pre>{@code
 * public final class LongSum extends AbstractAggregateFunction<long[]>
 *     implements MergeableAggregateFunction<long[]> {
 *   public LongSum() {
 *     super("long_sum", "bigint", "bigint");   // name, result type, argument types
 *   }
 *
 *   public long[] createState() { return new long[2]; }   // {sum, non-null values}
 *   // update, merge and finish as in MergeableAggregateFunction's example
 * }
 * }</pre>
 *
 * A function that accepts any arguments as they are ({@code argumentTypes()} null) implements
 * {@link AggregateFunction} directly.
 *
 * @param <S> the class of the per-group state
 */
public abstract class AbstractAggregateFunction<S> implements AggregateFunction<S> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String resultType;
  private final List<String> argumentTypes;

  /**
   * A function called {@code name} that returns {@code resultType} and takes arguments of
   * {@code argumentTypes}, all Spark DDL type strings such as {@code "double"}.
   */
  protected AbstractAggregateFunction(String name, String resultType, String... argumentTypes) {
    this.name = Objects.requireNonNull(name, "name");
    this.resultType = Objects.requireNonNull(resultType, "resultType");
    this.argumentTypes = List.of(argumentTypes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public final String resultType() {
    return resultType;
  }

  @Override
  public final List<String> argumentTypes() {
    return argumentTypes;
  }
}
