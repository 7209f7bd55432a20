package io.circuitstream.engine.circuit;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import sun.misc.Unsafe;

/**
 * A run of float32 or float64 values in native memory, read and written as doubles without the
 * per-access checks of an NIO buffer; BLAS gets the buffer view of the same memory.
 *
 * <p>Index checks are Java assertions: on in tests, off in production runs.
 */
final class NativeVector {
  private static final Unsafe UNSAFE = unsafe();
  private static final long ADDRESS_OFFSET = addressOffset();

  final Buffer buffer;
  final boolean single;
  private final long address;
  private final int length;

  NativeVector(Buffer buffer) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer must be direct");
    }
    if (!(buffer instanceof DoubleBuffer) && !(buffer instanceof FloatBuffer)) {
      throw new IllegalArgumentException("buffer must hold floats or doubles");
    }
    this.buffer = buffer;
    this.single = buffer instanceof FloatBuffer;
    this.address = UNSAFE.getLong(buffer, ADDRESS_OFFSET) + (long) bytes() * buffer.position();
    this.length = buffer.remaining();
  }

  private int bytes() {
    return single ? 4 : 8;
  }

  double get(int i) {
    assert i >= 0 && i < length : i;
    return single ? UNSAFE.getFloat(address + 4L * i) : UNSAFE.getDouble(address + 8L * i);
  }

  void put(int i, double v) {
    assert i >= 0 && i < length : i;
    if (single) {
      UNSAFE.putFloat(address + 4L * i, (float) v);
    } else {
      UNSAFE.putDouble(address + 8L * i, v);
    }
  }

  /** Sets entries {@code [0, n)} to zero. */
  void clear(int n) {
    assert n >= 0 && n <= length : n;
    UNSAFE.setMemory(address, (long) bytes() * n, (byte) 0);
  }

  private static Unsafe unsafe() {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("sun.misc.Unsafe is not available", e);
    }
  }

  private static long addressOffset() {
    try {
      return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("java.nio.Buffer has no address field", e);
    }
  }
}
