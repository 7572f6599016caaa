/** Heavy-pollution weather warning levels (STANDARDS §6.1, 环办大气函〔2019〕648号), mildest first. */
export const WARNING_LEVELS = ['yellow', 'orange', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

const RANK: Record<WarningLevel, number> = { yellow: 1, orange: 2, red: 3 };

export const LEVEL_NAME: Record<WarningLevel, { zh: string; en: string }> = {
  yellow: { zh: '黄色预警（III级）', en: 'yellow (level III)' },
  orange: { zh: '橙色预警（II级）', en: 'orange (level II)' },
  red: { zh: '红色预警（I级）', en: 'red (level I)' },
};

export function isWarningLevel(value: string): value is WarningLevel {
  return (WARNING_LEVELS as readonly string[]).includes(value);
}

export function compareLevels(a: WarningLevel, b: WarningLevel): number {
  return RANK[a] - RANK[b];
}

/** The stricter of two levels: consecutive episodes that do not clear are one, at the stricter level. */
export function stricterLevel(a: WarningLevel, b: WarningLevel): WarningLevel {
  return compareLevels(a, b) >= 0 ? a : b;
}
