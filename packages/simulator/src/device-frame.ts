import { encodeEncryptedFrame, encodeFrame, isEncryptedCommand, type Hj212EncodeOptions, type Hj212FrameInput } from '@ecogrid/standards';
import type { SimulatedDevice } from './device';

/** A frame as the device writes it: its CP SM4-encrypted when it has a key and the CN is one §6.4 encrypts. */
export function encodeDeviceFrame(device: Pick<SimulatedDevice, 'sm4'>, frame: Hj212FrameInput, options: Hj212EncodeOptions = {}): Uint8Array {
  return device.sm4 && isEncryptedCommand(frame.cn) ? encodeEncryptedFrame(frame, device.sm4) : encodeFrame(frame, options);
}
