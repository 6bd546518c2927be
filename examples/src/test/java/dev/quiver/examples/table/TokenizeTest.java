package dev.quiver.examples.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.testing.TableHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer through the test harness: it splits exactly where Java's {@code \s+} does. */
class TokenizeTest {

  @Test
  void splitsOnAsciiWhitespaceLikeTheRegex() {
    String[] texts = {"spark  arrow\tquiver", "  leading and trailing \n", null, "",
        "Grüße\u000Bvom\fJVM\r世界 🚀", "\u00A0no-break\u00A0space stays inside", "one"};
    List<List<?>> docs = new ArrayList<>();
    List<List<Object>> expected = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      docs.add(Arrays.asList(i, texts[i]));
      if (texts[i] == null) {
        continue;
      }
      String stripped = texts[i].strip();
      if (!stripped.isEmpty()) {
        for (String word : stripped.split("\\s+")) {
          expected.add(Arrays.asList(i, word));
        }
      }
    }
    // Batches of three documents: the reused word buffer must not leak words across batches.
    assertEquals(expected, TableHarness.of(new Tokenize()).table("doc_id int, text string", docs)
        .batchSize(3).run());
  }
}
