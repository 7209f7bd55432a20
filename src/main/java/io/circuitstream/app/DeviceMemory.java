package io.circuitstream.app;

import org.nd4j.nativeblas.NativeOpsHolder;

/** Free memory of the device ND4J computes on: the GPU's with the CUDA backend, else the JVM's share of RAM. */
final class DeviceMemory {
  private DeviceMemory() {}

  /** Returns the free bytes of ND4J's current device, or, on the CPU backend, a quarter of the machine's RAM. */
  static long freeBytes() {
    String backend = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
    if (backend.contains("Cuda") || backend.contains("Cublas")) {
      return NativeOpsHolder.getInstance().getDeviceNativeOps().getDeviceFreeMemoryDefault();
    }
    long ram = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    return ram / 4;
  }
}
