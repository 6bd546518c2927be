package dev.quiver.function.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The scalar arguments of one call of a {@link TableFunction}, in call order (the TABLE argument
 * is not among them), each with its value, its name if it has one, and its Spark SQL type.
 *
 * <pre>{@code
 * // threshold_filter(TABLE(v), 10)  or  threshold_filter(TABLE(v), threshold => 10)
 * int threshold = args.getInt("threshold");   // with parameterNames() = List.of("threshold")
 * int first = args.getInt(0);                 // the same value
 * String mode = args.has("mode") ? args.getString("mode") : "strict";
 * }</pre>
 *
 * Values are Java objects: {@code Boolean}, {@code Byte}, {@code Short}, {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}, {@code String}, {@code BigDecimal},
 * {@code byte[]}, {@code LocalDate} ({@code date}), {@code Instant} ({@code timestamp}),
 * {@code LocalDateTime} ({@code timestamp_ntz}), {@code List} ({@code array}), {@code Map}
 * ({@code map}, and {@code struct} by field name), and null for SQL NULL.
 *
 * <p>In {@link TableFunction#eval} every value is known. In {@link TableFunction#analyze} only
 * constant arguments have values; a column argument ({@code LATERAL f(t.x)}) has its type, and
 * {@link #isConstant} false.
 *
 * <p>Names are compared ignoring case. Tests of functions create arguments with
 * {@link #of(Object...)} or {@link #builder()}.
 */
public final class Arguments {
  private static final Arguments EMPTY = new Arguments(List.of(), List.of(), List.of(),
      List.of());

  private final List<Object> values;
  private final List<String> names;
  private final List<String> types;
  private final List<Boolean> constant;

  private Arguments(List<Object> values, List<String> names, List<String> types,
      List<Boolean> constant) {
    this.values = values;
    this.names = names;
    this.types = types;
    this.constant = constant;
  }

  /** No arguments. */
  public static Arguments empty() {
    return EMPTY;
  }

  /** Positional constant arguments of unknown type. */
  public static Arguments of(Object... values) {
    Builder builder = builder();
    for (Object value : values) {
      builder.add(value);
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How many scalar arguments the call passed. */
  public int size() {
    return values.size();
  }

  /** The value of the argument at {@code index} (0 is the first scalar argument). */
  public Object get(int index) {
    checkIndex(index);
    return values.get(index);
  }

  /** The value of the argument called {@code name}. */
  public Object get(String name) {
    return values.get(indexOf(name));
  }

  /** Whether an argument called {@code name} was passed. */
  public boolean has(String name) {
    return find(name) >= 0;
  }

  /** The position of the argument called {@code name}. */
  public int indexOf(String name) {
    int index = find(name);
    if (index < 0) {
      throw new IllegalArgumentException("no argument named '" + name + "'; the call passed "
          + this);
    }
    return index;
  }

  /** The name of the argument at {@code index}, or null for an unnamed positional argument. */
  public String name(int index) {
    checkIndex(index);
    return names.get(index);
  }

  /** The Spark SQL type of the argument at {@code index}, for example {@code "int"}; or null. */
  public String type(int index) {
    checkIndex(index);
    return types.get(index);
  }

  /**
   * Whether the argument's value is known: always during {@code eval}, only for constant
   * expressions during {@code analyze}.
   */
  public boolean isConstant(int index) {
    checkIndex(index);
    return constant.get(index);
  }

  public int getInt(int index) {
    return number(index).intValue();
  }

  public int getInt(String name) {
    return getInt(indexOf(name));
  }

  public long getLong(int index) {
    return number(index).longValue();
  }

  public long getLong(String name) {
    return getLong(indexOf(name));
  }

  public double getDouble(int index) {
    return number(index).doubleValue();
  }

  public double getDouble(String name) {
    return getDouble(indexOf(name));
  }

  public boolean getBoolean(int index) {
    return (Boolean) nonNull(index, Boolean.class);
  }

  public boolean getBoolean(String name) {
    return getBoolean(indexOf(name));
  }

  /** The value as a string: a {@code string} argument, or any other value's text. */
  public String getString(int index) {
    Object value = get(index);
    return value == null ? null : value.toString();
  }

  public String getString(String name) {
    return getString(indexOf(name));
  }

  private Number number(int index) {
    return (Number) nonNull(index, Number.class);
  }

  private Object nonNull(int index, Class<?> expected) {
    Object value = get(index);
    if (value == null) {
      throw new IllegalArgumentException("argument " + describe(index) + " is NULL");
    }
    if (!expected.isInstance(value)) {
      throw new IllegalArgumentException("argument " + describe(index) + " is a "
          + value.getClass().getSimpleName() + " (" + value + "), not a "
          + expected.getSimpleName());
    }
    return value;
  }

  private String describe(int index) {
    return names.get(index) != null ? "'" + names.get(index) + "'" : String.valueOf(index);
  }

  private int find(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) != null && names.get(i).toLowerCase(Locale.ROOT).equals(wanted)) {
        return i;
      }
    }
    return -1;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= values.size()) {
      throw new IllegalArgumentException("no argument at position " + index + "; the call "
          + "passed " + values.size() + " scalar argument" + (values.size() == 1 ? "" : "s")
          + " " + this);
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      String shown = !constant.get(i) ? "<column>"
          : value instanceof String ? "'" + value + "'" : String.valueOf(value);
      parts.add(names.get(i) == null ? shown : names.get(i) + " => " + shown);
    }
    return "(" + String.join(", ", parts) + ")";
  }

  /** Builds arguments in call order. */
  public static final class Builder {
    private final List<Object> values = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final List<Boolean> constant = new ArrayList<>();

    private Builder() {}

    /** A positional constant argument. */
    public Builder add(Object value) {
      return add(null, value, null, true);
    }

    /** A named constant argument. */
    public Builder add(String name, Object value) {
      return add(name, value, null, true);
    }

    /**
     * An argument with everything known about it.
     *
     * @param name its name, or null
     * @param value its value; ignored unless {@code constant}
     * @param type its Spark SQL type, or null
     * @param constant whether the value is known
     */
    public Builder add(String name, Object value, String type, boolean constant) {
      values.add(constant ? value : null);
      names.add(name);
      types.add(type);
      this.constant.add(constant);
      return this;
    }

    public Arguments build() {
      return new Arguments(Collections.unmodifiableList(new ArrayList<>(values)),
          Collections.unmodifiableList(new ArrayList<>(names)),
          Collections.unmodifiableList(new ArrayList<>(types)),
          Collections.unmodifiableList(new ArrayList<>(constant)));
    }
  }
}
