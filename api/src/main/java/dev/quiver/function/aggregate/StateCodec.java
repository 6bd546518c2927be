package dev.quiver.function.aggregate;

/**
 * Turns the state of one group into bytes and back, for the shuffle between the two phases of a
 * mergeable aggregate and for spill files. A {@link MergeableAggregateFunction} uses
 * {@link #standard()} unless it overrides {@code serialize} and {@code deserialize}; a plain
 * {@link AggregateFunction} can delegate to it in two lines:
 *
 * <pre>{@code
 * public byte[] serialize(long[] state) throws Exception {
 *   return StateCodec.<long[]>standard().encode(state);
 * }
 * public long[] deserialize(byte[] bytes) throws Exception {
 *   return StateCodec.<long[]>standard(getClass().getClassLoader()).decode(bytes);
 * }
 * }</pre>
 *
 * <p>The standard codec writes a one-byte tag and then the value, so a state's bytes say what
 * they hold:
 * <ul>
 *   <li>arrays of {@code long}, {@code double}, {@code int}, {@code float}, {@code short},
 *       {@code byte}, {@code char} and {@code boolean}: their length and elements, big-endian;</li>
 *   <li>{@code Long}, {@code Double}, {@code Integer}, {@code Float}, {@code Short}, {@code Byte},
 *       {@code Character}, {@code Boolean} and {@code String} (UTF-8);</li>
 *   <li>any other {@link java.io.Serializable} object (a record of primitives, a list, a sketch
 *       class) with Java serialization, its classes resolved through the function's class
 *       loader. Keep {@code serialVersionUID} stable across versions of the function that may run
 *       in one job.</li>
 * </ul>
 * Any other state fails the query with a message naming the function and the state's class.
 * Java serialization is general, not compact: a state that is large or crosses the shuffle for
 * millions of groups is better written by hand, or by a {@link GroupsAccumulator} that encodes
 * its columns of states directly (see {@link GroupsAccumulator#mergeBatch}).
 *
 * @param <S> the state class
 */
public interface StateCodec<S> {

  /** The bytes of {@code state}. */
  byte[] encode(S state) throws Exception;

  /** The state {@link #encode} wrote. */
  S decode(byte[] bytes) throws Exception;

  /** The standard codec, resolving serialized classes through this library's class loader. */
  static <S> StateCodec<S> standard() {
    return standard(StateCodec.class.getClassLoader());
  }

  /**
   * The standard codec, resolving the classes of Java-serialized states through {@code loader}
   * (pass the function's {@code getClass().getClassLoader()}, which sees the functions jar).
   */
  @SuppressWarnings("unchecked")
  static <S> StateCodec<S> standard(ClassLoader loader) {
    return (StateCodec<S>) StandardStateCodec.forLoader(loader);
  }
}
