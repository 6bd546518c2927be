package dev.quiver.spark.execution;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The per-partition work of an operator, shipped to executors. A named serializable class rather
 * than a lambda, so that it never drags the operator (and its driver-only state) along.
 */
public abstract class PartitionFunction extends AbstractFunction1<Iterator<InternalRow>,
    Iterator<InternalRow>> implements Serializable {
  private static final long serialVersionUID = 1L;
}
