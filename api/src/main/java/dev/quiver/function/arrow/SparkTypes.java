package dev.quiver.function.arrow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow field Spark uses for a Spark SQL type written as DDL, without Spark: the same fields
 * as Spark's {@code ArrowUtils.toArrowField}, which Quiver's executors compare results against.
 * Function tests use it to build input vectors and to check results.
 *
 * <pre>{@code
 * SparkTypes.field("price", "decimal(10,2)", true)     // Decimal(10, 2, 128), nullable
 * SparkTypes.field("tags", "array<string>", false)     // List<element: Utf8>
 * SparkTypes.schema("user_id int not null, amounts map<string,double>")
 * }</pre>
 *
 * Types: {@code boolean}, {@code tinyint} ({@code byte}), {@code smallint} ({@code short}),
 * {@code int} ({@code integer}), {@code bigint} ({@code long}), {@code float} ({@code real}),
 * {@code double}, {@code decimal(p,s)} ({@code dec}, {@code numeric}; {@code decimal} alone is
 * {@code decimal(10,0)}), {@code string} (also {@code char(n)} and {@code varchar(n)}),
 * {@code binary}, {@code date}, {@code timestamp} ({@code timestamp_ltz}),
 * {@code timestamp_ntz}, {@code void}, {@code array<t>}, {@code map<k,v>} and
 * {@code struct<name:t, ...>} (the colon is optional), with {@code not null} after a struct
 * field's or a column's type. Keywords and names are case-insensitive; names may be quoted with
 * backquotes.
 */
public final class SparkTypes {
  /** The session time zone the fields of {@code timestamp} carry unless one is given. */
  public static final String DEFAULT_TIME_ZONE = "UTC";

  private final String text;
  private int at;

  private SparkTypes(String text) {
    this.text = text;
  }

  /** The Arrow field of a column of Spark type {@code type}, with timestamps in UTC. */
  public static Field field(String name, String type, boolean nullable) {
    return field(name, type, nullable, DEFAULT_TIME_ZONE);
  }

  /**
   * The Arrow field of a column of Spark type {@code type}; {@code timestamp} values carry
   * {@code timeZoneId} (Spark's session time zone), which Quiver's checks do not compare.
   */
  public static Field field(String name, String type, boolean nullable, String timeZoneId) {
    SparkTypes parser = new SparkTypes(type);
    Field field = parser.type(name, nullable, timeZoneId);
    parser.end();
    return field;
  }

  /** The Arrow schema of a DDL column list such as {@code "id bigint not null, name string"}. */
  public static Schema schema(String ddl) {
    return schema(ddl, DEFAULT_TIME_ZONE);
  }

  /** {@link #schema(String)} with timestamps in {@code timeZoneId}. */
  public static Schema schema(String ddl, String timeZoneId) {
    SparkTypes parser = new SparkTypes(ddl);
    List<Field> fields = parser.fields(timeZoneId, false);
    parser.end();
    return new Schema(fields);
  }

  /**
   * The Spark type name of an Arrow field of one of these types, the inverse of
   * {@link #field}: {@code "int"}, {@code "decimal(10,2)"}, {@code "array<string>"},
   * {@code "struct<a:int,b:string>"}.
   */
  public static String typeName(Field field) {
    ArrowType type = field.getType();
    List<Field> children = field.getChildren();
    if (type instanceof ArrowType.Map) {
      List<Field> entry = children.get(0).getChildren();
      return "map<" + typeName(entry.get(0)) + "," + typeName(entry.get(1)) + ">";
    }
    if (type instanceof ArrowType.List) {
      return "array<" + typeName(children.get(0)) + ">";
    }
    if (type instanceof ArrowType.Struct) {
      StringBuilder out = new StringBuilder("struct<");
      for (int i = 0; i < children.size(); i++) {
        out.append(i == 0 ? "" : ",").append(children.get(i).getName()).append(':')
            .append(typeName(children.get(i)));
        if (!children.get(i).isNullable()) {
          out.append(" not null");
        }
      }
      return out.append('>').toString();
    }
    if (type instanceof ArrowType.Int i) {
      return switch (i.getBitWidth()) {
        case 8 -> "tinyint";
        case 16 -> "smallint";
        case 32 -> "int";
        default -> "bigint";
      };
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.SINGLE ? "float" : "double";
    }
    if (type instanceof ArrowType.Decimal d) {
      return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    if (type instanceof ArrowType.Timestamp t) {
      return t.getTimezone() == null ? "timestamp_ntz" : "timestamp";
    }
    if (type instanceof ArrowType.Bool) {
      return "boolean";
    }
    if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8) {
      return "string";
    }
    if (type instanceof ArrowType.Binary || type instanceof ArrowType.LargeBinary) {
      return "binary";
    }
    if (type instanceof ArrowType.Date) {
      return "date";
    }
    if (type instanceof ArrowType.Null) {
      return "void";
    }
    return type.toString();
  }

  /** Column or struct field definitions, separated by commas, up to the end or a {@code >}. */
  private List<Field> fields(String timeZoneId, boolean inStruct) {
    List<Field> fields = new ArrayList<>();
    skipSpace();
    if (inStruct && peek() == '>') {
      return fields;
    }
    do {
      String name = name();
      skipSpace();
      if (inStruct && peek() == ':') {
        at++;
      }
      Field field = type(name, true, timeZoneId);
      if (keywords("not", "null")) {
        field = new Field(name, new FieldType(false, field.getType(), null), field.getChildren());
      }
      if (keywords("comment")) {
        quoted();
      }
      fields.add(field);
    } while (symbol(','));
    return fields;
  }

  private Field type(String name, boolean nullable, String timeZoneId) {
    String word = word().toLowerCase(Locale.ROOT);
    switch (word) {
      case "array": {
        expect('<');
        Field element = type("element", true, timeZoneId);
        expect('>');
        return new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null),
            List.of(element));
      }
      case "map": {
        expect('<');
        Field key = type(MapVector.KEY_NAME, false, timeZoneId);
        expect(',');
        Field value = type(MapVector.VALUE_NAME, true, timeZoneId);
        expect('>');
        Field entries = new Field(MapVector.DATA_VECTOR_NAME,
            new FieldType(false, ArrowType.Struct.INSTANCE, null), List.of(key, value));
        return new Field(name, new FieldType(nullable, new ArrowType.Map(false), null),
            List.of(entries));
      }
      case "struct": {
        expect('<');
        List<Field> children = fields(timeZoneId, true);
        expect('>');
        return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null),
            children);
      }
      default:
        return new Field(name, new FieldType(nullable, primitive(word, timeZoneId), null),
            List.of());
    }
  }

  private ArrowType primitive(String word, String timeZoneId) {
    switch (word) {
      case "boolean":
        return ArrowType.Bool.INSTANCE;
      case "tinyint":
      case "byte":
        return new ArrowType.Int(8, true);
      case "smallint":
      case "short":
        return new ArrowType.Int(16, true);
      case "int":
      case "integer":
        return new ArrowType.Int(32, true);
      case "bigint":
      case "long":
        return new ArrowType.Int(64, true);
      case "float":
      case "real":
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case "double":
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case "decimal":
      case "dec":
      case "numeric": {
        int precision = 10;
        int scale = 0;
        if (symbol('(')) {
          precision = number();
          if (symbol(',')) {
            scale = number();
          }
          expect(')');
        }
        return new ArrowType.Decimal(precision, scale, 128);
      }
      case "string":
        return ArrowType.Utf8.INSTANCE;
      case "char":
      case "varchar":
        expect('(');
        number();
        expect(')');
        return ArrowType.Utf8.INSTANCE;
      case "binary":
        return ArrowType.Binary.INSTANCE;
      case "date":
        return new ArrowType.Date(DateUnit.DAY);
      case "timestamp":
      case "timestamp_ltz":
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, timeZoneId);
      case "timestamp_ntz":
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case "void":
        return ArrowType.Null.INSTANCE;
      default:
        throw fail(word.isEmpty() ? "a type expected" : "unsupported type '" + word + "'");
    }
  }

  private String name() {
    skipSpace();
    if (peek() == '`') {
      StringBuilder name = new StringBuilder();
      at++;
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '`') {
          if (peek() != '`') {
            return name.toString();
          }
          at++;
        }
        name.append(c);
      }
      throw fail("unclosed `");
    }
    String name = word();
    if (name.isEmpty()) {
      throw fail("a name expected");
    }
    return name;
  }

  private String word() {
    skipSpace();
    int start = at;
    while (at < text.length()
        && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
      at++;
    }
    return text.substring(start, at);
  }

  private int number() {
    String digits = word();
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw fail("a number expected");
    }
  }

  private void quoted() {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"') {
      throw fail("a quoted comment expected");
    }
    int close = text.indexOf(quote, at + 1);
    if (close < 0) {
      throw fail("unclosed comment");
    }
    at = close + 1;
  }

  /** Consumes these keywords if they come next, ignoring case. */
  private boolean keywords(String... words) {
    int start = at;
    for (String word : words) {
      if (!word().equalsIgnoreCase(word)) {
        at = start;
        return false;
      }
    }
    return true;
  }

  private boolean symbol(char c) {
    skipSpace();
    if (peek() == c) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!symbol(c)) {
      throw fail("'" + c + "' expected");
    }
  }

  private void end() {
    skipSpace();
    if (at < text.length()) {
      throw fail("unexpected '" + text.substring(at) + "'");
    }
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : 0;
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException("cannot read the Spark type '" + text + "': " + problem
        + " at position " + at);
  }
}
