/** GB 3838-2002 table 1 basic items (water temperature, which has no class limits, is left out). */
export type SurfaceWaterFactor =
  | 'pH'
  | 'DO'
  | 'CODMn'
  | 'COD'
  | 'BOD5'
  | 'NH3N'
  | 'TP'
  | 'TN'
  | 'Cu'
  | 'Zn'
  | 'F'
  | 'Se'
  | 'As'
  | 'Hg'
  | 'Cd'
  | 'Cr6'
  | 'Pb'
  | 'CN'
  | 'VolatilePhenol'
  | 'Petroleum'
  | 'LAS'
  | 'Sulfide'
  | 'FecalColiform';

export interface SurfaceWaterLimit {
  factor: SurfaceWaterFactor;
  nameZh: string;
  unit: string;
  /** `'≤'` for everything except DO (`'≥'`); pH is a range. */
  sense: '≤' | '≥' | 'range';
  /** Class I…V limits as decimal text. TP carries the river column; lakes use `TP_LAKE_LIMITS`. */
  limits: readonly [string, string, string, string, string];
}

const limit = (factor: SurfaceWaterFactor, nameZh: string, limits: SurfaceWaterLimit['limits'], unit = 'mg/L', sense: SurfaceWaterLimit['sense'] = '≤'): SurfaceWaterLimit => ({
  factor,
  nameZh,
  unit,
  sense,
  limits,
});

/** GB 3838-2002 table 1 (STANDARDS.md §4): classes I–V, inclusive limits. */
export const GB3838_LIMITS: Readonly<Record<SurfaceWaterFactor, SurfaceWaterLimit>> = {
  pH: limit('pH', 'pH 值', ['6-9', '6-9', '6-9', '6-9', '6-9'], '无量纲', 'range'),
  DO: limit('DO', '溶解氧', ['7.5', '6', '5', '3', '2'], 'mg/L', '≥'),
  CODMn: limit('CODMn', '高锰酸盐指数', ['2', '4', '6', '10', '15']),
  COD: limit('COD', '化学需氧量', ['15', '15', '20', '30', '40']),
  BOD5: limit('BOD5', '五日生化需氧量', ['3', '3', '4', '6', '10']),
  NH3N: limit('NH3N', '氨氮', ['0.15', '0.5', '1.0', '1.5', '2.0']),
  TP: limit('TP', '总磷', ['0.02', '0.1', '0.2', '0.3', '0.4']),
  TN: limit('TN', '总氮（湖、库，以 N 计）', ['0.2', '0.5', '1.0', '1.5', '2.0']),
  Cu: limit('Cu', '铜', ['0.01', '1.0', '1.0', '1.0', '1.0']),
  Zn: limit('Zn', '锌', ['0.05', '1.0', '1.0', '2.0', '2.0']),
  F: limit('F', '氟化物（以 F⁻ 计）', ['1.0', '1.0', '1.0', '1.5', '1.5']),
  Se: limit('Se', '硒', ['0.01', '0.01', '0.01', '0.02', '0.02']),
  As: limit('As', '砷', ['0.05', '0.05', '0.05', '0.1', '0.1']),
  Hg: limit('Hg', '汞', ['0.00005', '0.00005', '0.0001', '0.001', '0.001']),
  Cd: limit('Cd', '镉', ['0.001', '0.005', '0.005', '0.005', '0.01']),
  Cr6: limit('Cr6', '铬（六价）', ['0.01', '0.05', '0.05', '0.05', '0.1']),
  Pb: limit('Pb', '铅', ['0.01', '0.01', '0.05', '0.05', '0.1']),
  CN: limit('CN', '氰化物', ['0.005', '0.05', '0.2', '0.2', '0.2']),
  VolatilePhenol: limit('VolatilePhenol', '挥发酚', ['0.002', '0.002', '0.005', '0.01', '0.1']),
  Petroleum: limit('Petroleum', '石油类', ['0.05', '0.05', '0.05', '0.5', '1.0']),
  LAS: limit('LAS', '阴离子表面活性剂', ['0.2', '0.2', '0.2', '0.3', '0.3']),
  Sulfide: limit('Sulfide', '硫化物', ['0.05', '0.1', '0.2', '0.5', '1.0']),
  FecalColiform: limit('FecalColiform', '粪大肠菌群', ['200', '2000', '10000', '20000', '40000'], '个/L'),
};

/** GB 3838-2002 table 1, TP for lakes and reservoirs. */
export const TP_LAKE_LIMITS: SurfaceWaterLimit['limits'] = ['0.01', '0.025', '0.05', '0.1', '0.2'];

/** DO class I is also met at 90 % saturation (GB 3838-2002 table 1: "饱和率 90%（或 7.5）"). */
export const DO_CLASS_I_SATURATION_PERCENT = '90';
