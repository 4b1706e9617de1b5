/** Where a device sends bytes towards the host. */
export type HostSink = (bytes: Uint8Array) => void;

/**
 * The device side of a serial line. hw-sim's twins implement it; the simulator bus (in-process)
 * or a pseudo-terminal wire carries the bytes. The twin never knows which.
 */
export interface DeviceEndpoint {
  /** Bytes the host wrote to the device. */
  receiveFromHost(bytes: Uint8Array): void;
  /** A host opened the line (sink) or closed it (null). Bytes sent while detached are lost, as on a wire. */
  attachHost(sink: HostSink | null): void;
}
