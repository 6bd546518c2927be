package dev.quiver.function.aggregate;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The vectorized form of an {@link AggregateFunction}: the states of many groups at once,
 * updated from one batch that mixes the rows of all of them, with a group index per row. Modelled
 * on DataFusion's {@code GroupsAccumulator}. A query with a million groups calls
 * {@link #update} once per batch instead of once per group, and the accumulator can keep its
 * states in a few primitive arrays instead of a million objects; with
 * {@link #mergeBatch} and {@link #state(int, StateCodec, BufferAllocator)} it also reads and
 * writes the states that cross the shuffle as one Arrow column per batch, as DataFusion's
 * {@code merge_batch} and {@code state} do, instead of one state object per group.
 *
 * <pre>{@code
 * public final class Average implements AggregateFunction<double[]> {
 *   public String name() { return "average"; }
 *   public String resultType() { return "double"; }
 *   public List<String> argumentTypes() { return List.of("double"); }
 *
 *   // the simple form, for windows and for Spark's own operators; state = {sum, count}
 *   public double[] createState() { return new double[2]; }
 *   public void update(double[] s, VectorSchemaRoot args) { ... }
 *   public double[] merge(double[] s, double[] o) { s[0] += o[0]; s[1] += o[1]; return s; }
 *   public Object finish(double[] s) { return s[1] == 0 ? null : s[0] / s[1]; }
 *   public byte[] serialize(double[] s) { ... }
 *   public double[] deserialize(byte[] b) { ... }
 *
 *   public GroupsAccumulator<double[]> createGroupsAccumulator() {
 *     return new GroupsAccumulator<>() {
 *       private double[] sums = new double[1024];
 *       private double[] counts = new double[1024];
 *
 *       public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
 *         grow(numGroups);
 *         Float8Vector values = (Float8Vector) args.getVector(0);
 *         for (int i = 0; i < args.getRowCount(); i++) {
 *           if (!values.isNull(i)) {
 *             sums[groupIds[i]] += values.get(i);
 *             counts[groupIds[i]]++;
 *           }
 *         }
 *       }
 *
 *       public void merge(int groupId, double[] state) {
 *         grow(groupId + 1);
 *         sums[groupId] += state[0];
 *         counts[groupId] += state[1];
 *       }
 *
 *       public double[] state(int groupId) {
 *         return groupId < sums.length ? new double[] {sums[groupId], counts[groupId]}
 *             : new double[2];
 *       }
 *
 *       public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
 *         grow(numGroups);
 *         Float8Vector out = new Float8Vector("average", allocator);
 *         out.allocateNew(numGroups);
 *         for (int g = 0; g < numGroups; g++) {
 *           if (counts[g] == 0) out.setNull(g); else out.set(g, sums[g] / counts[g]);
 *         }
 *         out.setValueCount(numGroups);
 *         return out;
 *       }
 *
 *       public long sizeInBytes() { return 16L * sums.length; }
 *
 *       private void grow(int groups) {
 *         if (groups > sums.length) {
 *           int size = Math.max(groups, sums.length * 2);
 *           sums = Arrays.copyOf(sums, size);
 *           counts = Arrays.copyOf(counts, size);
 *         }
 *       }
 *     };
 *   }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Quiver creates an accumulator with {@link AggregateFunction#createGroupsAccumulator()} for each
 * table of groups it builds in a task: usually one per task, one more after every time the table
 * is flushed or spilled because memory ran short. Groups are numbered densely from 0 in the order
 * Quiver meets them. Quiver then calls, in any interleaving:
 * <ul>
 *   <li>{@link #update} with batches of rows of the function's arguments (mergeable functions in
 *       their first phase, and every function that cannot merge);</li>
 *   <li>{@link #mergeBatch} with a column of encoded states that another task or a spill
 *       wrote, and the group of each (the second phase);</li>
 * </ul>
 * and finally exactly one of:
 * <ul>
 *   <li>{@link #state(int, StateCodec, BufferAllocator)} once, for the encoded states of all
 *       groups as one column, for the shuffle or a spill file;</li>
 *   <li>{@link #evaluate} once, for the values of all groups;</li>
 * </ul>
 * The defaults of {@code mergeBatch} and {@code state(int, StateCodec, BufferAllocator)} go
 * through the simple form one group at a time: they decode each state with the function's codec
 * ({@link AggregateFunction#deserialize}) and call {@link #merge(int, Object)}, and encode
 * {@link #state(int)} of each group. An accumulator that keeps its states in primitive arrays
 * reads and writes the encoded columns directly instead, and a final phase then merges a batch of
 * partial states without a Java object per group, as DataFusion's {@code merge_batch} does.
 * and {@link #close()} in every case, also when the task fails. An accumulator is used by one
 * thread only.
 *
 * <p>A group may receive no row at all, for example when {@code FILTER (WHERE ...)} removes all
 * of its rows for this function while another aggregate of the query has some. Its state and
 * value are those of {@link AggregateFunction#createState()}.
 *
 * @param <S> the state class of the simple form; the states this accumulator exchanges through
 *     {@link #merge} and {@link #state} must serialize to the same bytes as the simple form's, so
 *     that Quiver's operators and Spark's can be mixed across a shuffle
 */
public interface GroupsAccumulator<S> extends AutoCloseable {

  /**
   * Adds a batch of rows to the states of their groups.
   *
   * @param args the argument columns; the vectors belong to Quiver and are refilled afterwards
   * @param groupIds the group of each row: {@code groupIds[i]} for row {@code i <
   *     args.getRowCount()}; entries past the row count are meaningless. Do not keep the array.
   * @param numGroups the number of groups the table has now; every id is below it
   */
  void update(VectorSchemaRoot args, int[] groupIds, int numGroups) throws Exception;

  /**
   * Merges a state of the simple form into group {@code groupId}, which may be larger than any
   * id seen before. Called by the default {@link #mergeBatch}.
   */
  void merge(int groupId, S state) throws Exception;

  /**
   * Merges a batch of encoded states: entry {@code i} of {@code states} (bytes that
   * {@code codec.encode}, or this accumulator's {@link #state(int, StateCodec, BufferAllocator)},
   * wrote) into group {@code groupIds[i]}, for every {@code i < states.getValueCount()}. The
   * same group may occur several times in one batch; null entries carry no state and are skipped.
   * The vector and the array belong to Quiver: do not keep them.
   *
   * @param numGroups the number of groups the table has now; every id is below it
   * @param codec the function's own codec, {@link AggregateFunction#serialize} and
   *     {@link AggregateFunction#deserialize}
   */
  default void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups,
      StateCodec<S> codec) throws Exception {
    for (int i = 0; i < states.getValueCount(); i++) {
      if (!states.isNull(i)) {
        merge(groupIds[i], codec.decode(states.get(i)));
      }
    }
  }

  /** The state of group {@code groupId} in the simple form, for serialization. */
  S state(int groupId) throws Exception;

  /**
   * The encoded states of groups {@code 0} to {@code numGroups - 1}, in that order, as one
   * non-null binary column from {@code allocator}, which Quiver closes. The bytes must be those
   * {@code codec.encode} writes for the same state, so that the simple form, this accumulator and
   * Spark's own operators read each other's states.
   */
  default VarBinaryVector state(int numGroups, StateCodec<S> codec, BufferAllocator allocator)
      throws Exception {
    VarBinaryVector out = new VarBinaryVector("state", allocator);
    try {
      out.allocateNew(numGroups);
      for (int g = 0; g < numGroups; g++) {
        out.setSafe(g, codec.encode(state(g)));
      }
      out.setValueCount(numGroups);
      return out;
    } catch (Exception | Error e) {
      out.close();
      throw e;
    }
  }

  /**
   * The values of groups {@code 0} to {@code numGroups - 1}, in that order, in a vector of the
   * Arrow type that Spark uses for the declared result type (see
   * {@link dev.quiver.function.ScalarFunction}). The vector must come from {@code allocator};
   * Quiver closes it.
   */
  FieldVector evaluate(int numGroups, BufferAllocator allocator) throws Exception;

  /**
   * An estimate of the heap bytes this accumulator holds, cheap to compute. Quiver reserves it
   * from Spark's execution memory and flushes or spills the table when Spark grants no more.
   */
  long sizeInBytes();

  /** Releases what the accumulator holds. The default does nothing. */
  @Override
  default void close() throws Exception {}
}
