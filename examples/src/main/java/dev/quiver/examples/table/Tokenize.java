package dev.quiver.examples.table;

import dev.quiver.function.table.AbstractTableFunction;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import org.apache.arrow.memory.ArrowBuf;
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
public final class Tokenize extends AbstractTableFunction {
  /** The current document's bytes; reused across documents and batches of one instance. */
  private byte[] text = new byte[256];

  public Tokenize() {
    super("tokenize", "doc_id int, word string");
  }

  @Override
  public String description() {
    return "One row (doc_id, word) per whitespace-separated word of a TABLE(doc_id int, "
        + "text string).\n"
        + "SELECT * FROM tokenize(TABLE(docs))";
  }

  @Override
  protected void validate(AnalyzeArguments call) {
    Calls.requireColumns(call, "tokenize(TABLE(docs))", "doc_id", "int", "text", "string");
  }

  /**
   * Scans each document's UTF-8 bytes for the ASCII whitespace Java's {@code \s}
   * matches (space, tab, newline, vertical tab, form feed, carriage return); no byte of a
   * multi-byte UTF-8 character is below 0x80, so words are never cut inside a character. Neither
   * the text nor the words become Java strings.
   */
  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    IntVector docs = (IntVector) batch.getVector("doc_id");
    VarCharVector texts = (VarCharVector) batch.getVector("text");
    ArrowBuf offsets = texts.getOffsetBuffer();
    ArrowBuf data = texts.getDataBuffer();
    try (VectorSchemaRoot words = out.newBatch()) {
      IntVector ids = (IntVector) words.getVector("doc_id");
      VarCharVector tokens = (VarCharVector) words.getVector("word");
      // Allocated once at their bounds, since growing vectors copy them: the words take at most
      // the texts' bytes, and a text of n bytes has at most (n + 1) / 2 words.
      int rows = batch.getRowCount();
      long bytes = rows == 0 ? 0 : offsets.getInt((long) rows * 4) - offsets.getInt(0);
      int most = (int) Math.min(Integer.MAX_VALUE - 1, (bytes + rows) / 2);
      ids.allocateNew(Math.max(most, 1));
      tokens.allocateNew(Math.max(bytes, 1), Math.max(most, 1));
      int n = 0;
      for (int i = 0; i < rows; i++) {
        if (texts.isNull(i)) {
          continue;
        }
        int end = offsets.getInt((long) (i + 1) * 4);
        int pos = offsets.getInt((long) i * 4);
        if (text.length < end - pos) {
          text = new byte[Math.max(end - pos, text.length * 2)];
        }
        data.getBytes(pos, text, 0, end - pos);
        int length = end - pos;
        int word = -1;
        for (int b = 0; b <= length; b++) {
          if (b == length || isSpace(text[b])) {
            if (word >= 0) {
              if (docs.isNull(i)) {
                ids.setNull(n);
              } else {
                ids.setSafe(n, docs.get(i));
              }
              tokens.setSafe(n, text, word, b - word);
              n++;
              word = -1;
            }
          } else if (word < 0) {
            word = b;
          }
        }
      }
      if (n > 0) {
        words.setRowCount(n);
        out.emit(words);
      }
    }
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }
}
