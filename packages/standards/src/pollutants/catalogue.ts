/** What a monitored item describes. */
export type PollutantCategory = 'ambient_air' | 'flue_gas' | 'meteorology' | 'water' | 'noise' | 'facility_state' | 'process' | 'site_info';

export interface Pollutant {
  /** HJ 212-2017 code (Appendix B, from HJ 524/525). */
  code: string;
  /** HJ/T 212-2005 code (the "原编码" column), where there was one. */
  code2005: string | null;
  nameZh: string;
  nameEn: string;
  /** Concentration (or measurement) unit as the standard gives it. */
  unit: string;
  /** Unit of `-Cou` (cumulative emission), where the item has one. */
  emissionUnit: string | null;
  /**
   * Unit ambient stations send in practice when it differs from `unit` (µg/m³ for gases and PM on air-quality
   * stations; the flue-gas codes are shared). Treat units as per-station configuration.
   */
  ambientUnit: string | null;
  categories: readonly PollutantCategory[];
  /** How sure the entry is: `'standard'` read from HJ 212-2017 Appendix B; `'third_party'` otherwise. */
  source: 'standard' | 'third_party';
}

const p = (
  code: string,
  code2005: string | null,
  nameZh: string,
  nameEn: string,
  unit: string,
  categories: PollutantCategory[],
  extra: { emissionUnit?: string; ambientUnit?: string; source?: Pollutant['source'] } = {},
): Pollutant => ({
  code,
  code2005,
  nameZh,
  nameEn,
  unit,
  emissionUnit: extra.emissionUnit ?? null,
  ambientUnit: extra.ambientUnit ?? null,
  categories,
  source: extra.source ?? 'standard',
});

const AIR_AND_STACK: PollutantCategory[] = ['flue_gas', 'ambient_air'];
/** Watched at plant boundaries and near risk sources first, in stacks too. */
const AIR_THEN_STACK: PollutantCategory[] = ['ambient_air', 'flue_gas'];

/**
 * The pollutant catalogue: HJ 212-2017 Appendix B codes with their HJ/T 212-2005 predecessors, names, units and
 * categories (STANDARDS.md §1.10). Noise items use the HJ 212 noise codes. Only entries checked against the
 * standard or seen in real frames are listed; unknown codes are legal in frames.
 */
export const POLLUTANTS: readonly Pollutant[] = [
  p('a00000', 'B02', '废气', 'flue-gas flow', 'm³/s', ['flue_gas'], { emissionUnit: 'm³' }),
  p('a34013', '01', '烟尘', 'particulate matter (stack)', 'mg/m³', ['flue_gas'], { emissionUnit: 'kg' }),
  p('a21026', '02', '二氧化硫', 'sulphur dioxide (SO2)', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg', ambientUnit: 'µg/m³' }),
  p('a21002', '03', '氮氧化物', 'nitrogen oxides (NOx)', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg', ambientUnit: 'µg/m³' }),
  p('a21003', null, '一氧化氮', 'nitric oxide (NO)', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg', ambientUnit: 'µg/m³' }),
  p('a21004', null, '二氧化氮', 'nitrogen dioxide (NO2)', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg', ambientUnit: 'µg/m³' }),
  p('a21005', '04', '一氧化碳', 'carbon monoxide (CO)', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg' }),
  p('a19001', 'S01', '氧气含量', 'oxygen content', '%', ['flue_gas']),
  p('a01011', 'S02', '烟气流速', 'flue-gas velocity', 'm/s', ['flue_gas']),
  p('a01012', 'S03', '烟气温度', 'flue-gas temperature', '℃', ['flue_gas']),
  p('a01013', 'S08', '烟气压力', 'flue-gas pressure', 'kPa', ['flue_gas']),
  p('a01014', 'S05', '烟气湿度', 'flue-gas humidity', '%', ['flue_gas']),
  p('a01017', 'S04', '烟气动压', 'flue-gas dynamic pressure', 'kPa', ['flue_gas']),
  // Toxic gases a hazardous-chemical store or waste site releases (HJ 212-2017 table B.2 as two public transcriptions
  // give it, with the 2005 codes; not in STANDARDS.md §1.10, hence third_party). The table's unit for NH3 is
  // 纳克/立方米, as for PM; boundary and ambient analysers send mg/m³, which is what is kept here. No limit: ambient
  // standards have none for these gases, so a limit comes with the device's registration.
  p('a21001', '10', '氨（氨气）', 'ammonia (NH3)', 'mg/m³', AIR_THEN_STACK, { emissionUnit: 'g', source: 'third_party' }),
  p('a21022', '11', '氯气', 'chlorine (Cl2)', 'mg/m³', AIR_THEN_STACK, { emissionUnit: 'kg', source: 'third_party' }),
  p('a21028', '05', '硫化氢', 'hydrogen sulphide (H2S)', 'mg/m³', AIR_THEN_STACK, { emissionUnit: 'kg', source: 'third_party' }),
  p('a24088', null, '非甲烷总烃', 'non-methane hydrocarbons', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg' }),
  p('a05002', null, '甲烷', 'methane', 'mg/m³', AIR_AND_STACK, { emissionUnit: 'kg' }),
  p('a34001', null, '总悬浮颗粒物', 'total suspended particulates (TSP)', 'µg/m³', ['ambient_air']),
  p('a34002', null, '可吸入颗粒物', 'PM10', 'µg/m³', ['ambient_air']),
  p('a34004', null, '细颗粒物', 'PM2.5', 'µg/m³', ['ambient_air']),
  p('a34005', null, '亚微米颗粒物', 'PM1.0', 'µg/m³', ['ambient_air']),
  p('a05024', null, '臭氧', 'ozone (O3)', 'µg/m³', ['ambient_air'], { source: 'third_party' }),
  p('a01001', null, '温度', 'air temperature', '℃', ['meteorology']),
  p('a01002', null, '湿度', 'relative humidity', '%', ['meteorology']),
  p('a01006', null, '气压', 'air pressure', 'kPa', ['meteorology']),
  p('a01007', null, '风速', 'wind speed', 'm/s', ['meteorology']),
  p('a01008', null, '风向', 'wind direction', '°', ['meteorology']),
  p('w00000', 'B01', '污水', 'wastewater flow', 'L/s', ['water'], { emissionUnit: 'm³' }),
  p('w01001', '001', 'pH 值', 'pH', '无量纲', ['water']),
  p('w01009', null, '溶解氧', 'dissolved oxygen', 'mg/L', ['water']),
  p('w01010', null, '水温', 'water temperature', '℃', ['water']),
  p('w01012', '003', '悬浮物', 'suspended solids', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  p('w01014', null, '电导率', 'conductivity', 'µS/cm', ['water']),
  p('w01017', '010', '五日生化需氧量', 'BOD5', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  p('w01018', '011', '化学需氧量', 'chemical oxygen demand (COD)', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  p('w01019', null, '高锰酸盐指数', 'permanganate index (CODMn)', 'mg/L', ['water']),
  p('w21001', '065', '总氮', 'total nitrogen', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  p('w21003', '060', '氨氮', 'ammonia nitrogen', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  p('w21011', '101', '总磷', 'total phosphorus', 'mg/L', ['water'], { emissionUnit: 'kg' }),
  ...(
    [
      ['LA', 'A 声级', 'A-weighted sound level'],
      ['Leq', '等效声级', 'equivalent continuous sound level'],
      ['L5', '累积百分声级 L5', 'percentile level L5'],
      ['L10', '累积百分声级 L10', 'percentile level L10'],
      ['L50', '累积百分声级 L50', 'percentile level L50'],
      ['L90', '累积百分声级 L90', 'percentile level L90'],
      ['L95', '累积百分声级 L95', 'percentile level L95'],
      ['Ld', '昼间等效声级', 'day-time equivalent level'],
      ['Ln', '夜间等效声级', 'night-time equivalent level'],
      ['Ldn', '昼夜等效声级', 'day–night equivalent level'],
      ['LMx', '最大声级', 'maximum sound level'],
      ['LMn', '最小声级', 'minimum sound level'],
    ] as const
  ).map(([code, nameZh, nameEn]) => p(code, null, nameZh, nameEn, 'dB', ['noise'])),
];

const BY_CODE = new Map<string, Pollutant>(POLLUTANTS.map((pollutant) => [pollutant.code, pollutant]));
const BY_2005_CODE = new Map<string, Pollutant>(POLLUTANTS.filter((pollutant) => pollutant.code2005 !== null).map((pollutant) => [pollutant.code2005 as string, pollutant]));

/** The catalogue entry of an HJ 212-2017 code, or of an HJ/T 212-2005 code (`'011'` → COD); null if unknown. */
export function findPollutant(code: string): Pollutant | null {
  return BY_CODE.get(code) ?? BY_2005_CODE.get(code) ?? null;
}

/** The HJ 212-2017 code for an HJ/T 212-2005 code (`'B01'` → `'w00000'`); a 2017 code is returned unchanged. */
export function toCode2017(code: string): string | null {
  if (BY_CODE.has(code)) return code;
  return BY_2005_CODE.get(code)?.code ?? null;
}

/**
 * The category of any factor code, including families the catalogue does not list one by one
 * (HJ 212-2017 §6.4 and tables B.4–B.10): `SBxxx` treatment-facility state, `e…`/`g…` process (工况) codes,
 * `i…` site information; then `a…` air, `w…` water. Null when nothing is known.
 */
export function categoryOfCode(code: string): PollutantCategory | null {
  const known = findPollutant(code);
  if (known) return known.categories[0] as PollutantCategory;
  if (/^SB\w+$/.test(code)) return 'facility_state';
  if (/^[eg][A-Za-z0-9]\d{4}$/.test(code)) return 'process';
  if (/^i\d{5}$/.test(code)) return 'site_info';
  if (/^a\d{5}$/.test(code)) return 'ambient_air';
  if (/^w\d{5}$/.test(code)) return 'water';
  return null;
}
