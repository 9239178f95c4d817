package dev.rota.agent.gpu;

/** The GPUs of this node could not be listed (tool missing, failing, timing out). */
public final class GpuDiscoveryException extends RuntimeException {

    public GpuDiscoveryException(String message) {
        super(message);
    }

    public GpuDiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
