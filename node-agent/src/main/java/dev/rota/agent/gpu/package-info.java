/**
 * What GPUs this node has: {@link dev.rota.agent.gpu.NvidiaSmiInventory} asks the driver,
 * {@link dev.rota.agent.gpu.FakeGpuInventory} invents them for development and tests, and
 * {@link dev.rota.agent.gpu.GpuInventories#detect} picks one.
 */
package dev.rota.agent.gpu;
