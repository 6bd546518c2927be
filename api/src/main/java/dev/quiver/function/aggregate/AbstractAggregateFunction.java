package dev.quiver.function.aggregate;

import dev.quiver.function.DeclaredFunction;

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
public abstract class AbstractAggregateFunction<S> extends DeclaredFunction
    implements AggregateFunction<S> {
  private static final long serialVersionUID = 1L;

  /** The function {@code name(argumentTypes...)} returning {@code resultType}, as DDL types. */
  protected AbstractAggregateFunction(String name, String resultType, String... argumentTypes) {
    super(name, resultType, argumentTypes);
  }
}
