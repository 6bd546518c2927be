package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A registered function as it travels inside a query plan: its SQL name and how to make a fresh
 * instance on an executor. Functions registered by class are instantiated through their
 * no-argument constructor; functions registered as an instance are copied by Java serialization,
 * so every task starts from the state the instance had when it was registered.
 */
public final class FunctionHandle implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String className;
  private final byte[] serializedInstance;
  private transient QuiverFunction prototype;

  private FunctionHandle(String name, String className, byte[] serializedInstance,
      QuiverFunction prototype) {
    this.name = name;
    this.className = className;
    this.serializedInstance = serializedInstance;
    this.prototype = prototype;
  }

  /** A function known by its class, which must have a public no-argument constructor. */
  public static FunctionHandle ofClass(String name, QuiverFunction prototype) {
    return new FunctionHandle(name, prototype.getClass().getName(), null, prototype);
  }

  /** A function registered as an instance; the instance is captured as it is now. */
  public static FunctionHandle ofInstance(String name, QuiverFunction instance) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(instance);
    } catch (IOException e) {
      throw new QuiverException("Quiver function '" + name + "' (" + instance.getClass().getName()
          + ") cannot be registered as an instance because it is not serializable: " + e, e);
    }
    return new FunctionHandle(name, instance.getClass().getName(), bytes.toByteArray(), instance);
  }

  /** Instantiates a function class by name, with a message that says what is wrong. */
  public static QuiverFunction instantiate(String className) {
    Class<?> cls;
    try {
      cls = Class.forName(className, true, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new QuiverException("Quiver function class " + className
          + " cannot be loaded; is its jar passed with --jars? " + e, e);
    }
    if (!QuiverFunction.class.isAssignableFrom(cls)) {
      throw new QuiverException("Class " + className + " does not implement "
          + QuiverFunction.class.getName());
    }
    try {
      return (QuiverFunction) cls.getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new QuiverException("Quiver function class " + className
          + " needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new QuiverException("The constructor of Quiver function class " + className
          + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new QuiverException("Quiver function class " + className
          + " cannot be instantiated: " + e, e);
    }
  }

  public String name() {
    return name;
  }

  public String className() {
    return className;
  }

  /** The instance the driver reads metadata from (result type, description). */
  public QuiverFunction prototype() {
    if (prototype == null) {
      prototype = newInstance();
    }
    return prototype;
  }

  /** A fresh instance for one task. */
  public QuiverFunction newInstance() {
    if (serializedInstance == null) {
      return instantiate(className);
    }
    try (ObjectInputStream in = new ContextObjectInputStream(
        new ByteArrayInputStream(serializedInstance))) {
      return (QuiverFunction) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new QuiverException("Quiver function '" + name + "' (" + className
          + ") cannot be deserialized on this executor: " + e, e);
    }
  }

  static ClassLoader classLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : FunctionHandle.class.getClassLoader();
  }

  /** Resolves classes through the context class loader, where Spark puts jars from --jars. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    ContextObjectInputStream(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FunctionHandle)) {
      return false;
    }
    FunctionHandle other = (FunctionHandle) o;
    return name.equals(other.name) && className.equals(other.className)
        && Arrays.equals(serializedInstance, other.serializedInstance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, className);
  }

  @Override
  public String toString() {
    return name;
  }
}
