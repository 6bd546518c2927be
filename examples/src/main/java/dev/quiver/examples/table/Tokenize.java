package dev.quiver.examples.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A flatMap in SQL: one row per whitespace-separated word of each document, emitted as one Arrow
 * batch per input batch.
 *
 * <pre>{@code
 * SELECT * FROM tokenize(TABLE(docs)) ORDER BY doc_id, word
 * }</pre>
 */
public final class Tokenize implements TableFunction {

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String description() {
    return "One row (doc_id, word) per whitespace-separated word of a TABLE(doc_id int, "
        + "text string).";
  }

  @Override
  public String resultSchema() {
    return "doc_id int, word string";
  }

  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    IntVector docs = (IntVector) batch.getVector("doc_id");
    VarCharVector texts = (VarCharVector) batch.getVector("text");
    try (VectorSchemaRoot words = out.newBatch()) {
      IntVector ids = (IntVector) words.getVector("doc_id");
      VarCharVector tokens = (VarCharVector) words.getVector("word");
      int n = 0;
      for (int i = 0; i < batch.getRowCount(); i++) {
        String text = texts.isNull(i) ? "" : texts.getObject(i).toString().strip();
        if (text.isEmpty()) {
          continue;
        }
        for (String word : text.split("\\s+")) {
          if (docs.isNull(i)) {
            ids.setNull(n);
          } else {
            ids.setSafe(n, docs.get(i));
          }
          tokens.setSafe(n, word.getBytes(StandardCharsets.UTF_8));
          n++;
        }
      }
      if (n > 0) {
        words.setRowCount(n);
        out.emit(words);
      }
    }
  }
}
