import type { CpEncryption } from '@ecogrid/standards';
/** How a simulated device speaks HJ 212: 2005 (no QN, no Flag), 2017, or 2025 (Flag version 2, RF=1 on re-sends). */
export type ProtocolProfile = '2005' | '2017' | '2025';

/** What a device measures, which decides its baselines: stack CEMS, ambient air station, water station or outlet. */
export type DeviceCategory = 'flue_gas' | 'ambient_air' | 'water';

export interface SimulatedFactor {
  /** HJ 212-2017 factor code, e.g. `a21026`. */
  code: string;
  /** Permit or standard limit in the device's unit; exceedances go above it. */
  limit?: number;
  /** The limit applies to the converted (Zs) value, as for flue-gas pollutants. */
  limitOnConverted?: boolean;
}

/** One device to simulate, as the registry describes it. */
export interface SimulatedDevice {
  mn: string;
  /** HJ 212 PW. */
  password: string;
  /** HJ 212 ST (system code), e.g. 31 flue gas, 32 wastewater, 22 ambient air, 21 surface water. */
  systemCode: string;
  category: DeviceCategory;
  profile: ProtocolProfile;
  factors: SimulatedFactor[];
  /** The device's quirk: lower-case CRC (tolerated by ingest for devices registered as tolerant). */
  lowerCaseCrc?: boolean;
  /** The device clock runs ahead (positive) or behind (negative) by this much. */
  clockSkewMs?: number;
  /** The device clock gains (positive) or loses (negative) this much per hour, until the platform sets it (1012). */
  clockDriftMsPerHour?: number;
  /**
   * An HJ 212-2025 device's SM4 key and CP layout: it encrypts the CP of §6.4's CNs (data, 1014, 3020), opens the
   * platform's, and takes a new key from a 1014 (its 9012 confirms it). Register the same key with the device
   * (`sm4_key`, `sm4_layout`).
   */
  sm4?: CpEncryption;
}
