package dev.quiver.examples.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.CollectingEmitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** The tokenizer on plain Arrow vectors: it splits exactly where Java's {@code \s+} does. */
class TokenizeTest {
  private static final ArrowType INT = new ArrowType.Int(32, true);

  @Test
  void splitsOnAsciiWhitespaceLikeTheRegex() throws Exception {
    String[] texts = {"spark  arrow\tquiver", "  leading and trailing \n", null, "",
        "Grüße\u000Bvom\fJVM\r世界 🚀", "\u00A0no-break\u00A0space stays inside", "one"};
    Schema input = new Schema(List.of(Field.nullable("doc_id", INT),
        Field.nullable("text", ArrowType.Utf8.INSTANCE)));
    Schema result = new Schema(List.of(Field.nullable("doc_id", INT),
        Field.nullable("word", ArrowType.Utf8.INSTANCE)));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = VectorSchemaRoot.create(input, allocator)) {
      IntVector ids = (IntVector) batch.getVector(0);
      VarCharVector text = (VarCharVector) batch.getVector(1);
      List<List<Object>> expected = new ArrayList<>();
      for (int i = 0; i < texts.length; i++) {
        ids.setSafe(i, i);
        if (texts[i] == null) {
          text.setNull(i);
          continue;
        }
        text.setSafe(i, texts[i].getBytes(StandardCharsets.UTF_8));
        String stripped = texts[i].strip();
        if (!stripped.isEmpty()) {
          for (String word : stripped.split("\\s+")) {
            expected.add(Arrays.asList(i, word));
          }
        }
      }
      batch.setRowCount(texts.length);
      CollectingEmitter out = new CollectingEmitter(result, allocator);
      new Tokenize().eval(batch, Arguments.empty(), out);
      assertEquals(expected, out.rows());
    }
  }
}
