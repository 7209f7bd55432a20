package io.circuitstream.engine.circuit;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import sun.misc.Unsafe;

/**
 * A run of doubles in native memory, read and written without the per-access checks of a
 * {@link DoubleBuffer}; BLAS gets the buffer view of the same memory.
 *
 * <p>Index checks are Java assertions: on in tests, off in production runs.
 */
final class NativeVector {
  private static final Unsafe UNSAFE = unsafe();
  private static final long ADDRESS_OFFSET = addressOffset();

  final DoubleBuffer buffer;
  private final long address;
  private final int length;

  NativeVector(DoubleBuffer buffer) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer must be direct");
    }
    this.buffer = buffer;
    this.address = UNSAFE.getLong(buffer, ADDRESS_OFFSET) + 8L * buffer.position();
    this.length = buffer.remaining();
  }

  double get(int i) {
    assert i >= 0 && i < length : i;
    return UNSAFE.getDouble(address + 8L * i);
  }

  void put(int i, double v) {
    assert i >= 0 && i < length : i;
    UNSAFE.putDouble(address + 8L * i, v);
  }

  /** Sets entries {@code [0, n)} to zero. */
  void clear(int n) {
    assert n >= 0 && n <= length : n;
    UNSAFE.setMemory(address, 8L * n, (byte) 0);
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
