/** An AQI category (HJ 633-2012 table 2 and Appendix A; HJ 633-2026 table 1 and Appendix A, same colours). */
export interface AqiCategory {
  /** 1 (一级) … 6 (六级). */
  level: 1 | 2 | 3 | 4 | 5 | 6;
  levelName: string;
  /** 类别: 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染. */
  name: string;
  nameEn: string;
  colourName: string;
  colourNameEn: string;
  rgb: readonly [number, number, number];
  cmyk: readonly [number, number, number, number];
  /** The AQI range, inclusive; `max` is null for the open top category. */
  min: number;
  max: number | null;
}

export const AQI_CATEGORIES: readonly AqiCategory[] = [
  { level: 1, levelName: '一级', name: '优', nameEn: 'excellent', colourName: '绿色', colourNameEn: 'green', rgb: [0, 228, 0], cmyk: [40, 0, 100, 0], min: 0, max: 50 },
  { level: 2, levelName: '二级', name: '良', nameEn: 'good', colourName: '黄色', colourNameEn: 'yellow', rgb: [255, 255, 0], cmyk: [0, 0, 100, 0], min: 51, max: 100 },
  { level: 3, levelName: '三级', name: '轻度污染', nameEn: 'lightly polluted', colourName: '橙色', colourNameEn: 'orange', rgb: [255, 126, 0], cmyk: [0, 52, 100, 0], min: 101, max: 150 },
  { level: 4, levelName: '四级', name: '中度污染', nameEn: 'moderately polluted', colourName: '红色', colourNameEn: 'red', rgb: [255, 0, 0], cmyk: [0, 100, 100, 0], min: 151, max: 200 },
  { level: 5, levelName: '五级', name: '重度污染', nameEn: 'heavily polluted', colourName: '紫色', colourNameEn: 'purple', rgb: [153, 0, 76], cmyk: [10, 100, 40, 30], min: 201, max: 300 },
  { level: 6, levelName: '六级', name: '严重污染', nameEn: 'severely polluted', colourName: '褐红色', colourNameEn: 'maroon', rgb: [126, 0, 35], cmyk: [30, 100, 100, 30], min: 301, max: null },
];

/**
 * The category of an AQI (HJ 633-2012 table 2; HJ 633-2026 table 1). AQI is an integer (both versions round
 * up); 0 belongs to 优 (2026 writes the range as 1–50, but an AQI of 0 can occur and is best read as 优).
 */
export function aqiCategory(aqi: number): AqiCategory {
  if (!Number.isInteger(aqi) || aqi < 0) throw new RangeError(`AQI must be a non-negative integer: ${aqi}`);
  return AQI_CATEGORIES.find((category) => category.max === null || aqi <= category.max) as AqiCategory;
}
