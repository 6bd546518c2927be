package dev.quiver.function.aggregate;

/**
 * An aggregate function whose partial states combine: the type says so, the compiler asks for
 * {@link #merge}, and the states cross the shuffle with the {@linkplain StateCodec#standard()
 * standard codec} unless the function writes its own {@code serialize}/{@code deserialize}. The
 * short way to write a two-phase aggregate:
 *
 * <pre>{@code
 * public final class LongSum implements MergeableAggregateFunction<long[]> {
 *   public String name() { return "long_sum"; }
 *   public String resultType() { return "bigint"; }
 *   public List<String> argumentTypes() { return List.of("bigint"); }
 *
 *   // state[0] = the sum, state[1] = how many non-null values were added
 *   public long[] createState() { return new long[2]; }
 *
 *   public void update(long[] state, VectorSchemaRoot args) {
 *     BigIntVector values = (BigIntVector) args.getVector(0);
 *     for (int i = 0; i < args.getRowCount(); i++) {
 *       if (!values.isNull(i)) {
 *         state[0] += values.get(i);
 *         state[1]++;
 *       }
 *     }
 *   }
 *
 *   public long[] merge(long[] state, long[] other) {
 *     state[0] += other[0];
 *     state[1] += other[1];
 *     return state;
 *   }
 *
 *   public Object finish(long[] state) { return state[1] == 0 ? null : state[0]; }
 * }
 * }</pre>
 *
 * The lifecycle is {@link AggregateFunction}'s. A function that cannot merge (an exact median)
 * implements {@link AggregateFunction} and returns {@code false} from
 * {@link AggregateFunction#isMergeable()}.
 *
 * @param <S> the class of the per-group state: for the standard codec a primitive array, a boxed
 *     primitive, a {@code String} or a {@link java.io.Serializable} class
 */
public interface MergeableAggregateFunction<S> extends AggregateFunction<S> {

  /** Always {@code true}: implementing this interface is the declaration. */
  @Override
  default boolean isMergeable() {
    return true;
  }

  /**
   * Combines two states of one group. The result may be {@code state} updated in place; Quiver
   * does not use {@code other} afterwards. Must be associative and commutative.
   */
  @Override
  S merge(S state, S other) throws Exception;

  /** The state's bytes in the {@linkplain StateCodec#standard() standard format}. */
  @Override
  default byte[] serialize(S state) throws Exception {
    return stateCodec().encode(state);
  }

  /** A state from the bytes {@link #serialize} wrote. */
  @Override
  default S deserialize(byte[] bytes) throws Exception {
    return stateCodec().decode(bytes);
  }

  /**
   * The codec {@link #serialize} and {@link #deserialize} use: the standard one, resolving
   * classes through this function's class loader. Override all three together, or none.
   */
  default StateCodec<S> stateCodec() {
    return StateCodec.standard(getClass().getClassLoader());
  }
}
